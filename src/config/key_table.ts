/**
 * The complete key list and every default (documented in docs/config.md). The
 * validator reads its allowed keys and defaults from here, and a test checks that
 * docs/taskmaster.schema.json says the same.
 */

/** Top-level keys. */
export const TOP_KEYS = ["taskmaster", "programs"] as const;

/** Keys of the `taskmaster:` section. */
export const DAEMON_KEYS = [
  "logfile",
  "email",
  "uid",
  "gid",
  "socket",
  "http",
  "smtp",
  "logmaxbytes",
  "logbackups",
  "alerts",
  "statefile",
] as const;

/** Keys of one program. */
export const PROGRAM_KEYS = [
  "cmd",
  "numprocs",
  "umask",
  "workingdir",
  "autostart",
  "autorestart",
  "exitcodes",
  "startretries",
  "starttime",
  "stopsignal",
  "stoptime",
  "stdout",
  "stderr",
  "env",
  "uid",
  "gid",
  "maxrestartdelay",
  "logmaxbytes",
  "logbackups",
  "env_file",
  "critical",
  "depends_on",
  "ready",
  "health",
] as const;

/** Check kinds of `ready:` (exactly one is written). */
export const READY_CHECK_KINDS = ["tcp", "http", "exec", "log"] as const;

/** Check kinds of `health:` (a `log` check has no meaning once running). */
export const HEALTH_CHECK_KINDS = ["tcp", "http", "exec"] as const;

/** Keys of `ready:` (docs/config.md "ready"). */
export const READY_KEYS = [...READY_CHECK_KINDS, "period", "timeout", "initialdelay", "deadline"];

/** Keys of `health:` (docs/config.md "health"). */
export const HEALTH_KEYS = [
  ...HEALTH_CHECK_KINDS,
  "period",
  "timeout",
  "failures",
  "initialdelay",
  "action",
];

/** Keys of an `http` check written as a map. */
export const HTTP_CHECK_KEYS = ["url", "status", "tlsverify"] as const;

/** `ready:` defaults; `deadline` defaults to max(60, starttime) (computed at load). */
export const READY_DEFAULTS = { period: 1, timeout: 1, initialdelay: 0, deadline: 60 } as const;

/** `health:` defaults. */
export const HEALTH_DEFAULTS = {
  period: 10,
  timeout: 2,
  failures: 3,
  initialdelay: 0,
  action: "restart",
} as const;

/** `health.action` values. */
export const HEALTH_ACTIONS = ["restart", "none"] as const;

/** `depends_on` conditions (a list item means `started`). */
export const DEPENDENCY_CONDITIONS = ["started", "ready", "completed"] as const;

/** Keys of one `env_file` list item written as a map (docs/config.md "env_file"). */
export const ENV_FILE_KEYS = ["path", "required"] as const;

/** `env_file` item defaults: a listed file must exist unless `required: false`. */
export const ENV_FILE_DEFAULTS = { required: true } as const;

/** Keys of `taskmaster.http`. */
export const HTTP_KEYS = ["host", "port", "token"] as const;

/** Keys of `taskmaster.smtp`. */
export const SMTP_KEYS = [
  "host",
  "port",
  "secure",
  "user",
  "password",
  "from",
  "tlsverify",
] as const;

/** The only key of a secret reference (`{ env: NAME }`). */
export const SECRET_REF_KEYS = ["env"] as const;

/** 50 MiB: default rotation size of the daemon log and of program output files. */
export const DEFAULT_LOGMAXBYTES = 50 * 1024 * 1024;
/** Default number of rotated backups kept. */
export const DEFAULT_LOGBACKUPS = 10;

/** Program defaults (supervisord's where the seed is silent). */
export const PROGRAM_DEFAULTS = {
  numprocs: 1,
  autostart: true,
  autorestart: "unexpected",
  exitcodes: [0],
  startretries: 3,
  starttime: 1,
  stopsignal: "TERM",
  stoptime: 10,
  maxrestartdelay: 60,
  logmaxbytes: DEFAULT_LOGMAXBYTES,
  logbackups: DEFAULT_LOGBACKUPS,
  critical: false,
} as const;

/** `http` defaults. */
export const HTTP_DEFAULTS = { host: "127.0.0.1", port: 4242 } as const;

/** `smtp` defaults (`from` defaults to `taskmaster@` + host name, computed at load). */
export const SMTP_DEFAULTS = {
  host: "localhost",
  port: 25,
  secure: false,
  tlsverify: true,
} as const;

/** `alerts` switches: YAML key → AlertsSpec field (all default true). */
export const ALERT_SWITCHES = {
  "fatal": "fatal",
  "crashloop": "crashloop",
  "reload-failed": "reloadFailed",
  "log-loss": "logLoss",
  "http-error": "httpError",
  "critical": "critical",
  "unhealthy": "unhealthy",
} as const;

/** `alerts` numbers: YAML key → [AlertsSpec field, default, integer?]. */
export const ALERT_NUMBERS = {
  "crashloop-exits": ["crashloopExits", 5, true],
  "crashloop-window": ["crashloopWindow", 60, false],
  "batch-window": ["batchWindow", 10, false],
  "crashloop-cooldown": ["crashloopCooldown", 600, false],
} as const;

/** Keys of `taskmaster.alerts`. */
export const ALERT_KEYS: readonly string[] = [
  ...Object.keys(ALERT_SWITCHES),
  ...Object.keys(ALERT_NUMBERS),
];

/** Most rotated backups kept per file (a typo like 1000000 would be a disk hazard). */
export const MAX_LOGBACKUPS = 1000;

/** Default `taskmaster.statefile`, beside the config (docs/state.md). */
export const DEFAULT_STATEFILE = "taskmasterd.state.json";
