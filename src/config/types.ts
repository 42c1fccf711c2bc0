/**
 * The resolved configuration model. `load.ts` produces it once per (re)load: every default
 * applied, every path absolute, every signal normalised, and the whole tree deep-frozen.
 * Runtime code reads only these types, never raw YAML and never a default of its own.
 */

import type { StopSignal } from "../protocol/signals.ts";

/** A `stopsignal` as Deno spells it (`"SIGTERM"`); the list lives in protocol/signals.ts. */
export type SignalName = StopSignal;

/** `autorestart`: always, never, or only when the exit code is not in `exitcodes`. */
export type AutoRestart = "always" | "never" | "unexpected";

/** `critical`: which endings of a program end the daemon (docs/lifecycle.md "Critical programs"). */
export type CriticalMode = "fatal" | "unexpected" | "exit";

/** Where one output stream of a child goes. */
export type OutputTarget =
  | { readonly kind: "file"; readonly path: string }
  /** `stdout:` absent: kept in memory only (for `tail`). */
  | { readonly kind: "memory" }
  /** `stdout: none`: discarded (no tail either). */
  | { readonly kind: "none" };

/** A resolved user identity a child is dropped to. */
export interface Identity {
  readonly uid: number;
  readonly gid: number;
  /** Login name of `uid` if known (for USER/LOGNAME), else the number as text. */
  readonly user: string;
  /** Home directory of `uid` from the passwd file, or "/" if unknown. */
  readonly home: string;
}

/**
 * What one readiness or health probe checks (docs/config.md "ready and health"). Strings may hold
 * `{num}` / `{num+N}` placeholders, resolved per instance by the probe runner (src/checks/).
 */
export type CheckTarget =
  /** Connect to `host:port` (host defaults to 127.0.0.1; `[::1]` written without brackets). */
  | { readonly kind: "tcp"; readonly host: string; readonly port: string }
  /** GET `url` without following redirects; ready when the status is in `status` (null: 200–399). */
  | {
    readonly kind: "http";
    readonly url: string;
    readonly status: readonly number[] | null;
    readonly tlsverify: boolean;
  }
  /** Run `argv` as the program's user, env, umask and workingdir; exit 0 = pass. */
  | { readonly kind: "exec"; readonly argv: readonly string[] }
  /** A complete output line (stdout or stderr) of the current spawn matches `pattern` (ready only). */
  | { readonly kind: "log"; readonly pattern: string };

/** `ready:` of a program, resolved: seconds throughout. */
export interface ReadySpec {
  readonly check: CheckTarget;
  readonly period: number;
  readonly timeout: number;
  readonly initialdelay: number;
  /** Seconds after spawn; defaults to max(60, starttime). */
  readonly deadline: number;
}

/** `health:` of a program, resolved: seconds throughout (never a `log` check). */
export interface HealthSpec {
  readonly check: Exclude<CheckTarget, { kind: "log" }>;
  readonly period: number;
  readonly timeout: number;
  /** Consecutive failures that make the process unhealthy (>= 1). */
  readonly failures: number;
  readonly initialdelay: number;
  readonly action: "restart" | "none";
}

/** One edge of `depends_on`: this program waits for every instance of `name`. */
export interface Dependency {
  readonly name: string;
  readonly condition: "started" | "ready" | "completed";
}

/** One program, fully resolved. Structural equality of two specs is what reload compares. */
export interface ProgramSpec {
  /** Program name, `[A-Za-z0-9][A-Za-z0-9_.-]*`, at most 64 characters, never `all`. */
  readonly name: string;
  /** Executable and arguments; `argv[0]` is absolute when it contained a `/`. */
  readonly argv: readonly string[];
  readonly numprocs: number;
  /** Octal umask as a number (0o022), or null to inherit the daemon's. */
  readonly umask: number | null;
  /** Absolute working directory, or null to inherit the daemon's. */
  readonly workingdir: string | null;
  readonly autostart: boolean;
  readonly autorestart: AutoRestart;
  /** Sorted, de-duplicated exit codes counted as expected. */
  readonly exitcodes: readonly number[];
  readonly startretries: number;
  /** Seconds (fractions allowed) a process must stay up to count as RUNNING. */
  readonly starttime: number;
  readonly stopsignal: SignalName;
  /** Seconds between the stop signal and SIGKILL. */
  readonly stoptime: number;
  readonly stdout: OutputTarget;
  readonly stderr: OutputTarget;
  /** Size at which stdout/stderr files rotate; 0 disables rotation. */
  readonly logmaxbytes: number;
  readonly logbackups: number;
  /**
   * What the program adds to the environment: its `env_file` variables (read at load, files in
   * list order) overridden by its `env` (numbers and booleans as written). Values from env files
   * may hold line breaks; never NUL.
   */
  readonly env: Readonly<Record<string, string>>;
  /** Identity to drop to (global uid/gid folded in), or null to run as the daemon's user. */
  readonly identity: Identity | null;
  /** Crash-loop throttle cap in seconds; 0 = restart at once every time. */
  readonly maxrestartdelay: number;
  /** Which endings of an instance shut the daemon down, or false (policy: applies live). */
  readonly critical: CriticalMode | false;
  /** `depends_on` in written order (policy: applies to later starts). */
  readonly dependsOn: readonly Dependency[];
  /** `ready:`, or null: RUNNING after `starttime` alone (policy). */
  readonly ready: ReadySpec | null;
  /** `health:`, or null: no health checks (policy: applies in place on reload). */
  readonly health: HealthSpec | null;
  /** Position in the file (0-based), used for ordering `status`. */
  readonly order: number;
}

/** SMTP settings for alert mail. */
export interface SmtpSpec {
  readonly host: string;
  readonly port: number;
  /** true: implicit TLS; false: STARTTLS when offered. */
  readonly secure: boolean;
  readonly user: string | null;
  /** The password itself (resolved from `{env: NAME}` at load), or null. Never logged. */
  readonly password: string | null;
  readonly from: string;
  readonly tlsverify: boolean;
}

/** Alert thresholds (docs/alerts.md); kinds can be switched off. */
export interface AlertsSpec {
  readonly fatal: boolean;
  readonly crashloop: boolean;
  readonly reloadFailed: boolean;
  readonly logLoss: boolean;
  readonly httpError: boolean;
  /** A critical program ended the daemon (sent at once, not batched). */
  readonly critical: boolean;
  /** A process turned unhealthy (its health check failed `failures` times in a row). */
  readonly unhealthy: boolean;
  /** Unexpected exits of one program within `crashloopWindow` seconds that make a crashloop. */
  readonly crashloopExits: number;
  readonly crashloopWindow: number;
  /** Seconds a batch stays open after its first event. */
  readonly batchWindow: number;
  /** Seconds between two crashloop mails for the same program. */
  readonly crashloopCooldown: number;
}

/** The web listener, or null when `http: false`. */
export interface HttpSpec {
  readonly host: string;
  readonly port: number;
  /** Bearer token (resolved from `{env: NAME}`), or null. */
  readonly token: string | null;
}

/** The `taskmaster:` section, resolved. */
export interface DaemonSpec {
  /** Absolute path of the event log file, or null (memory ring only). */
  readonly logfile: string | null;
  readonly logmaxbytes: number;
  readonly logbackups: number;
  /** Alert recipients; empty = alerts off. */
  readonly email: readonly string[];
  /** Absolute control socket path (≤ 107 bytes). */
  readonly socket: string;
  readonly http: HttpSpec | null;
  readonly smtp: SmtpSpec;
  readonly alerts: AlertsSpec;
  /** Environment variable names used as secret sources: removed from children's env. */
  readonly secretEnv: readonly string[];
  /** Key paths of secrets written inline (`taskmaster.smtp.password`): the file must be 0600. */
  readonly literalSecrets: readonly string[];
  /** Absolute state file path, or null (`statefile: false`: intent in memory only). */
  readonly statefile: string | null;
}

/** A whole resolved configuration. */
export interface Config {
  /** The config file path as passed (`-c`), used in messages. */
  readonly file: string;
  /** Absolute path of the config file. */
  readonly path: string;
  readonly daemon: DaemonSpec;
  /** Programs in file order. */
  readonly programs: readonly ProgramSpec[];
  /**
   * Keys the file writes (absent on configs built by hand): export notes only the keys a
   * config writes, never a default (docs/export.md "Notes").
   */
  readonly written?: WrittenKeys;
}

/** Keys written in the file: `taskmaster:` keys, and each program's keys by program name. */
export interface WrittenKeys {
  readonly daemon: readonly string[];
  /** Null-prototype record: program names like `__proto__` are ordinary keys. */
  readonly programs: Readonly<Record<string, readonly string[]>>;
}

/**
 * One configuration error, formatted per docs/config.md "Errors" (`FILE:LINE:COL: key.path: msg`).
 */
export interface ConfigError {
  readonly line: number | null;
  readonly col: number | null;
  /** Dotted key path (`programs.web.numprocs`), empty for file-level errors. */
  readonly path: string;
  readonly message: string;
  /** The full one-line rendering. */
  readonly text: string;
}

/** Outcome of loading a config file: never throws. */
export type LoadResult =
  | { readonly ok: true; readonly config: Config }
  | { readonly ok: false; readonly errors: readonly ConfigError[] };
