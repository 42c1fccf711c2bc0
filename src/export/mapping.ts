/**
 * The mapping table (docs/export.md): how each config key survives each target. A row per key of
 * key_table.ts, enforced by the compiler, so a new key cannot be forgotten. Only keys the config
 * writes are looked up (a default causes no note); `exact` gives no note.
 *
 * `depends_on`: systemd Requires= + After= (approximate), Kubernetes dropped. `ready` and
 * `health`: systemd dropped, Kubernetes probes (kube_probes.ts decides what is rounded or lost).
 */
import type { DAEMON_KEYS, PROGRAM_KEYS } from "../config/key_table.ts";
import type { ProgramSpec } from "../config/types.ts";
import type { ExportTarget, NoteKind } from "../protocol/export.ts";
import { healthProbe, type ProbeRender, readyProbes } from "./kube_probes.ts";

/** What becomes of one written key: no note, or a note of that kind. */
export type Fate = "exact" | { readonly kind: NoteKind; readonly message: string };

/** One row: the fate per target, possibly depending on the program's value. */
export type Rule = Readonly<Record<ExportTarget, (spec: ProgramSpec) => Fate>>;

const exact = (): Fate => "exact";
const approx = (message: string) => (): Fate => ({ kind: "approximate", message });
const dropped = (message: string) => (): Fate => ({ kind: "dropped", message });

function kubeUser(spec: ProgramSpec): Fate {
  const id = spec.identity;
  if (id === null || id.user === String(id.uid)) return "exact";
  return {
    kind: "approximate",
    message: `runAsUser ${id.uid}/runAsGroup ${id.gid}: user ${id.user} as resolved here`,
  };
}

const noDaemon = "no taskmasterd runs beside the exported units";

/** The fate of a probe key from what kube_probes.ts could write. */
function probeFate(render: ProbeRender): Fate {
  if (render.dropped !== null) return { kind: "dropped", message: render.dropped };
  if (render.approximate.length === 0) return "exact";
  return { kind: "approximate", message: render.approximate.join("; ") };
}

/** `depends_on` for systemd: ordering by start, and `completed` dependencies made oneshot. */
function systemdDeps(spec: ProgramSpec): Fate {
  const parts: string[] = [];
  const waits = spec.dependsOn.filter((d) => d.condition !== "completed").map((d) => d.name);
  const done = spec.dependsOn.filter((d) => d.condition === "completed").map((d) => d.name);
  if (waits.length > 0) {
    parts.push(`${waits.join(", ")}: Requires= + After= order by start, not by readiness`);
  }
  if (done.length > 0) {
    parts.push(
      `${done.join(", ")}: Type=oneshot + RemainAfterExit=yes (a oneshot is never restarted)`,
    );
  }
  return parts.length === 0 ? "exact" : { kind: "approximate", message: parts.join("; ") };
}

/** Program keys. */
export const PROGRAM_RULES = {
  cmd: { systemd: exact, kubernetes: exact },
  numprocs: { systemd: exact, kubernetes: exact },
  umask: { systemd: exact, kubernetes: dropped("Kubernetes has no umask") },
  workingdir: { systemd: exact, kubernetes: exact },
  autostart: { systemd: exact, kubernetes: exact },
  autorestart: {
    systemd: exact,
    kubernetes: (s) =>
      s.autorestart === "unexpected"
        ? { kind: "approximate", message: "a Deployment restarts after every exit" }
        : "exact",
  },
  exitcodes: {
    systemd: exact,
    kubernetes: (s) =>
      s.exitcodes.length === 1 && s.exitcodes[0] === 0
        ? "exact"
        : { kind: "dropped", message: "Kubernetes counts only exit code 0 as success" },
  },
  startretries: {
    systemd: approx("StartLimitBurst= counts starts within an interval, not failures in a row"),
    kubernetes: (s) =>
      s.autorestart === "never"
        ? "exact"
        : { kind: "dropped", message: "a Deployment retries forever with back-off" },
  },
  starttime: {
    systemd: approx("StartLimitIntervalSec=: systemd has no start window"),
    kubernetes: (s) =>
      s.autorestart === "never"
        ? { kind: "dropped", message: "a Job has no start window" }
        : { kind: "approximate", message: "minReadySeconds (whole seconds)" },
  },
  stopsignal: {
    systemd: exact,
    kubernetes: (s) =>
      s.stopsignal === "SIGTERM"
        ? "exact"
        : { kind: "dropped", message: "Kubernetes stops containers with SIGTERM" },
  },
  stoptime: {
    systemd: exact,
    kubernetes: (s) =>
      Number.isInteger(s.stoptime) && s.stoptime > 0 ? "exact" : {
        kind: "approximate",
        message: "terminationGracePeriodSeconds is whole seconds, at least 1",
      },
  },
  stdout: {
    systemd: exact,
    kubernetes: dropped("container output goes to the pod log"),
  },
  stderr: {
    systemd: exact,
    kubernetes: dropped("container output goes to the pod log"),
  },
  env: { systemd: exact, kubernetes: exact },
  uid: { systemd: exact, kubernetes: kubeUser },
  gid: { systemd: exact, kubernetes: kubeUser },
  maxrestartdelay: {
    systemd: (s) =>
      s.maxrestartdelay === 0
        ? "exact"
        : { kind: "approximate", message: "RestartSec=1: systemd 240 has no growing delay" },
    kubernetes: approx("Kubernetes applies its own restart back-off"),
  },
  logmaxbytes: {
    systemd: dropped("systemd does not rotate append: files"),
    kubernetes: dropped("container output goes to the pod log"),
  },
  logbackups: {
    systemd: dropped("systemd does not rotate append: files"),
    kubernetes: dropped("container output goes to the pod log"),
  },
  // The files' variables are part of the resolved env: written out as Environment= / env.
  env_file: {
    systemd: approx("inlined as Environment= lines (values as read at export time)"),
    kubernetes: exact,
  },
  critical: {
    systemd: dropped(`nothing ends with the program: ${noDaemon}`),
    kubernetes: dropped("a pod's other containers do not stop with it"),
  },
  depends_on: {
    systemd: systemdDeps,
    kubernetes: dropped("Kubernetes has no start order between workloads"),
  },
  ready: {
    systemd: dropped(`readiness is not checked: ${noDaemon}`),
    kubernetes: (s) => probeFate(readyProbes(s)),
  },
  health: {
    systemd: dropped(`health is not checked: ${noDaemon}`),
    kubernetes: (s) => probeFate(healthProbe(s)),
  },
} as const satisfies Record<typeof PROGRAM_KEYS[number], Rule>;

/** `taskmaster:` keys: the daemon's own features do not survive; uid/gid fold into programs. */
export const DAEMON_RULES = {
  logfile: { systemd: "the journal holds unit events", kubernetes: "the cluster keeps events" },
  email: { systemd: `no alert mail: ${noDaemon}`, kubernetes: `no alert mail: ${noDaemon}` },
  uid: null,
  gid: null,
  socket: { systemd: `use systemctl: ${noDaemon}`, kubernetes: `use kubectl: ${noDaemon}` },
  http: { systemd: `no web page: ${noDaemon}`, kubernetes: `no web page: ${noDaemon}` },
  smtp: { systemd: `no alert mail: ${noDaemon}`, kubernetes: `no alert mail: ${noDaemon}` },
  logmaxbytes: { systemd: "the journal rotates itself", kubernetes: "the cluster rotates logs" },
  logbackups: { systemd: "the journal rotates itself", kubernetes: "the cluster rotates logs" },
  alerts: { systemd: `no alerts: ${noDaemon}`, kubernetes: `no alerts: ${noDaemon}` },
  statefile: {
    systemd: "systemctl enable/disable keeps operator intent",
    kubernetes: "replicas keep operator intent",
  },
} as const satisfies Record<typeof DAEMON_KEYS[number], Record<ExportTarget, string> | null>;

/** The rule of program key `key`, or undefined for a key this table does not know. */
export function programRule(key: string): Rule | undefined {
  return Object.hasOwn(PROGRAM_RULES, key)
    ? PROGRAM_RULES[key as keyof typeof PROGRAM_RULES]
    : undefined;
}

/**
 * The reason a written `taskmaster.KEY` is dropped for `target`, or null when it maps (uid/gid
 * are folded into every program and noted there).
 */
export function daemonDropReason(key: string, target: ExportTarget): string | null {
  if (!Object.hasOwn(DAEMON_RULES, key)) return null;
  const row = DAEMON_RULES[key as keyof typeof DAEMON_RULES];
  return row === null ? null : row[target];
}
