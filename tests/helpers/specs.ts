/**
 * Resolved config objects for tests, built on the documented defaults (docs/config.md) as literals
 * (never read from the loader: `tests/unit/config/validate_program_test.ts` and `validate_daemon_test.ts` check the loader against these
 * values, so change one only when a documented default changes).
 */
import type { AlertsSpec, DaemonSpec, ProgramSpec, SmtpSpec } from "../../src/config/types.ts";

/** A program spec with every default; placeholders `name: "web"`, `argv: ["/bin/true"]`. */
export function makeSpec(patch: Partial<ProgramSpec> = {}): ProgramSpec {
  return {
    name: "web",
    argv: ["/bin/true"],
    numprocs: 1,
    umask: null,
    workingdir: null,
    autostart: true,
    autorestart: "unexpected",
    exitcodes: [0],
    startretries: 3,
    starttime: 1,
    stopsignal: "SIGTERM",
    stoptime: 10,
    stdout: { kind: "memory" },
    stderr: { kind: "memory" },
    logmaxbytes: 50 * 1024 * 1024,
    logbackups: 10,
    env: {},
    identity: null,
    maxrestartdelay: 60,
    critical: false,
    dependsOn: [],
    ready: null,
    health: null,
    order: 0,
    ...patch,
  };
}

/** The alert rules with every default (all kinds on, 5 exits in 60 s, 10 s batches). */
export function alertRules(patch: Partial<AlertsSpec> = {}): AlertsSpec {
  return {
    fatal: true,
    crashloop: true,
    reloadFailed: true,
    logLoss: true,
    httpError: true,
    critical: true,
    unhealthy: true,
    crashloopExits: 5,
    crashloopWindow: 60,
    batchWindow: 10,
    crashloopCooldown: 600,
    ...patch,
  };
}

/** SMTP settings with every default; the default sender depends on the host name. */
export function smtpDefaults(hostname: string, patch: Partial<SmtpSpec> = {}): SmtpSpec {
  return {
    host: "localhost",
    port: 25,
    secure: false,
    user: null,
    password: null,
    from: `taskmaster@${hostname}`,
    tlsverify: true,
    ...patch,
  };
}

/**
 * The `taskmaster:` section with every default for a config file in `configDir` on host
 * `hostname` (the socket and the mail sender derive from them).
 */
export function daemonDefaults(
  configDir: string,
  hostname: string,
  patch: Partial<DaemonSpec> = {},
): DaemonSpec {
  return {
    logfile: null,
    logmaxbytes: 50 * 1024 * 1024,
    logbackups: 10,
    email: [],
    socket: `${configDir}/taskmasterd.sock`,
    http: { host: "127.0.0.1", port: 4242, token: null },
    smtp: smtpDefaults(hostname),
    alerts: alertRules(),
    secretEnv: [],
    literalSecrets: [],
    statefile: `${configDir}/taskmasterd.state.json`,
    ...patch,
  };
}
