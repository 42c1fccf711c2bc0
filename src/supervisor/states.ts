/**
 * Process states (supervisord's vocabulary) and the named groups of them the rest of the
 * supervisor reasons with. Pure: types and constants only.
 */
import type { ProcState } from "../protocol/types.ts";

export type { ProcState };

/** Every state, in lifecycle order (used to build and test the transition table). */
export const ALL_STATES: readonly ProcState[] = [
  "STOPPED",
  "WAITING",
  "STARTING",
  "RUNNING",
  "BACKOFF",
  "STOPPING",
  "EXITED",
  "FATAL",
];

/** States in which a child process exists (a pid is shown). */
export const LIVE_STATES: ReadonlySet<ProcState> = new Set(["STARTING", "RUNNING", "STOPPING"]);

/**
 * States in which nothing runs and nothing is scheduled: `stop` answers `not running`. WAITING is
 * not one of them: it is a start in progress (a `stop` ends it).
 */
export const STOPPED_STATES: ReadonlySet<ProcState> = new Set(["STOPPED", "EXITED", "FATAL"]);

/** States a `signal` command may target. */
export const SIGNALLABLE_STATES: ReadonlySet<ProcState> = new Set([
  "STARTING",
  "RUNNING",
  "STOPPING",
]);

/** Last exit of a child: exit status, or the signal that ended it (then `code` is null). */
export interface ExitInfo {
  readonly code: number | null;
  readonly signal: string | null;
}

/** The whole per-instance record. Only `instance.ts` stores one; only `machine.ts` makes one. */
export interface ProcRecord {
  readonly state: ProcState;
  /** Operator intent, kept apart from the state (s6 `flagwantup`). */
  readonly wanted: "up" | "down";
  /** Bumped on every spawn; process and timer events carry it and stale ones are dropped. */
  readonly generation: number;
  readonly pid: number | null;
  /** Failed start attempts since the last successful start (BACKOFF → FATAL counter). */
  readonly retries: number;
  readonly lastExit: ExitInfo | null;
  /** Monotonic ms when the current state began. */
  readonly since: number;
  /** Why the last spawn failed (OS error text), if it did. */
  readonly lastError: string | null;
  /** Automatic restarts since the last operator start. */
  readonly restarts: number;
  /** Consecutive exits soon after RUNNING (crash-loop throttle), reset after 60 s up. */
  readonly quickCrashes: number;
  /** Pending restart delay in ms (BACKOFF), 0 otherwise. */
  readonly nextDelay: number;
  /** Monotonic ms when the current child reached RUNNING, null if it has not. */
  readonly runningSince: number | null;
  /** SIGKILL already sent in this STOPPING episode. */
  readonly killSent: boolean;
  /** Free text for `status` (FATAL reason, crash-loop delay, exit summary). */
  readonly description: string;
  /** Unmet dependencies while WAITING (`"db (ready)"`), else empty. */
  readonly waitingOn: readonly string[];
  /** Whether the current spawn passed its ready check; null when it has none. */
  readonly ready: boolean | null;
  /** `starttime` has passed for the current spawn (RUNNING also needs `ready`). */
  readonly starttimeDone: boolean;
  /**
   * Set while the daemon stops a start it judged failed (ready deadline): the exit then counts
   * as a failed start (BACKOFF/FATAL) with this reason, not as a stop.
   */
  readonly failReason: string | null;
  /** Set while the daemon stops an unhealthy process: its exit restarts it (as unexpected). */
  readonly healthRestart: boolean;
}

/** A fresh record for a new instance: STOPPED, nothing run yet. */
export function initialRecord(now: number): ProcRecord {
  return {
    state: "STOPPED",
    wanted: "down",
    generation: 0,
    pid: null,
    retries: 0,
    lastExit: null,
    since: now,
    lastError: null,
    restarts: 0,
    quickCrashes: 0,
    nextDelay: 0,
    runningSince: null,
    killSent: false,
    description: "",
    waitingOn: [],
    ready: null,
    starttimeDone: false,
    failReason: null,
    healthRestart: false,
  };
}
