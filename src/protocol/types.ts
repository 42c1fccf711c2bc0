/**
 * Payload types of the control API and web page. Pure data: no Deno APIs, so `ctl/` can import
 * it. Field names of {@link ProcessStatus} are a public contract (docs/cli.md "status --json").
 */

/** Process states (supervisord's). */
export type ProcState =
  | "STOPPED"
  | "WAITING"
  | "STARTING"
  | "RUNNING"
  | "BACKOFF"
  | "STOPPING"
  | "EXITED"
  | "FATAL";

/** Health of a process with a `health:` check (`unknown` whenever it is not RUNNING). */
export interface HealthStatus {
  state: "unknown" | "healthy" | "unhealthy";
  /** Consecutive failures so far. */
  failures: number;
  /** ISO-8601 UTC of the last completed check, or null. */
  checkedAt: string | null;
  /** Reason of the last failure (`HTTP 503`, `connect ECONNREFUSED …`), or "" after a pass. */
  message: string;
  /** Consecutive failures that make the process unhealthy (its `health.failures` setting). */
  threshold: number;
}

/** A health verdict as a check loop knows it: {@link HealthStatus} without the setting. */
export type HealthVerdict = Omit<HealthStatus, "threshold">;

/** One element of `status --json` and `GET /api/status`. */
export interface ProcessStatus {
  /** `prog` when numprocs is 1, else `prog:N`. */
  name: string;
  program: string;
  index: number;
  state: ProcState;
  /** Set while a process exists (STARTING, RUNNING, STOPPING), else null. */
  pid: number | null;
  /** Status of the latest exit; null if none or if a signal ended it. */
  exitCode: number | null;
  /** Signal of the latest exit (`"SIGKILL"`) or null. */
  signal: string | null;
  /** ISO-8601 UTC with milliseconds: when the current state began. */
  since: string;
  /** Automatic restarts since the last operator start. */
  restarts: number;
  /** Free text: reason of FATAL, pending crash-loop delay, uptime hint… */
  description: string;
  /** Unmet dependencies while WAITING (`"db (ready)"`), else `[]`. */
  waitingOn: string[];
  /** null without a ready check, else whether the current spawn passed it. */
  ready: boolean | null;
  /** null without a health check; `unknown` whenever the process is not RUNNING. */
  health: HealthStatus | null;
  /** The operator's override if any, else `autostart` (docs/state.md). */
  desired: DesiredState;
  /** True when an operator override exists (`reset` removes it). */
  held: boolean;
}

/** One edge of the dependency graph: `from` waits for `to` (docs/lifecycle.md). */
export interface DependencyEdge {
  from: string;
  to: string;
  condition: "started" | "ready" | "completed";
}

/** `taskmasterctl deps`: start waves (each depends on earlier ones only) and every edge. */
export interface DepsInfo {
  waves: string[][];
  edges: DependencyEdge[];
}

/** What the operator wants of a process (docs/state.md). */
export type DesiredState = "started" | "stopped";

/** Per-process outcome of start/stop/restart/signal. */
export interface ActionResult {
  name: string;
  /** true when the process reached the requested state (or already was there). */
  ok: boolean;
  /** State at the end of the action; null for an unknown name. */
  state: ProcState | null;
  /** Human message: `started`, `already started`, `stopped`, `not running`, or the failure. */
  message: string;
}

/** Outcome of a reload (or its dry-run plan). Lists of program names. */
export interface ReloadResult {
  added: string[];
  changed: string[];
  removed: string[];
  unchanged: string[];
}

/** Daemon-level facts (`taskmasterctl info`, `GET /api/daemon`). */
export interface DaemonInfo {
  version: string;
  apiVersion: number;
  pid: number;
  /** ISO time the daemon started. */
  startedAt: string;
  uptimeSeconds: number;
  configFile: string;
  /** Last reload: null if none yet. */
  lastReload: { at: string; ok: boolean; message: string } | null;
  /** Reloads applied (`ok`) and refused or failed (`failed`) since start; dry runs not counted. */
  reloads: { ok: number; failed: number };
  /** Web listener URL, or null when off/failed; `httpError` says why it failed. */
  httpUrl: string | null;
  httpError: string | null;
  /** Bytes of child output dropped since start, across all programs. */
  logLossBytes: number;
  /** Alert mails: sent, failed, dropped. */
  alerts: { sent: number; failed: number; dropped: number };
  /** State file path, or null with `statefile: false` (docs/state.md). */
  stateFile: string | null;
  /** Why the last state-file read or write failed; null since the last good write. */
  stateError: string | null;
  /** Number of operator overrides in force. */
  overrides: number;
}

/** Event log levels, in increasing severity. */
export type LogLevel = "DEBUG" | "INFO" | "WARN" | "ERROR";

/** Every event name of the daemon event log, in docs/events.md order (docs/events.md "Events"). */
export const EVENT_NAMES = [
  "spawned",
  "running",
  "exited",
  "backoff",
  "fatal",
  "stopping",
  "killed",
  "stopped",
  "reload",
  "reload-failed",
  "config-error",
  "alert-sent",
  "alert-failed",
  "http-error",
  "log-loss",
  "orphan-stopped",
  "daemon-start",
  "daemon-stop",
  "critical-exit",
  "state-restored",
  "state-error",
  "waiting",
  "ready",
  "ready-timeout",
  "dependency-failed",
  "healthy",
  "unhealthy",
] as const;

/** One event name of the daemon event log. */
export type EventName = typeof EVENT_NAMES[number];

/** One event of the daemon event log. */
export interface LogEvent {
  /** Monotonic sequence number within this daemon run. */
  seq: number;
  /** ISO-8601 UTC with milliseconds. */
  time: string;
  level: LogLevel;
  /** Process name, or "-" for daemon events. */
  process: string;
  /** Program name, or "-" for daemon events. */
  program: string;
  event: EventName;
  /** key=value details (pid, code, signal, expected, reason, by…). */
  fields: Record<string, string | number | boolean | null>;
}

/** Output stream names. */
export type StreamName = "stdout" | "stderr";
