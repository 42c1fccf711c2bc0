/**
 * The pure per-process state machine: `transition(record, event, ctx)` → new record + effects.
 * One table indexed by state then event type; a missing cell is a compile error. No Deno APIs,
 * no timers, no wall clock: time comes in as `ctx.now` (monotonic ms).
 */
import {
  beginStop,
  dependencyFailed,
  describeExit,
  emitExited,
  exitOf,
  ignore,
  illegal,
  isExpected,
  operatorStart,
  reachRunning,
  runningExited,
  same,
  spawn,
  startFailed,
  stoppedAfter,
  wantDown,
  wantUp,
} from "./machine_cells.ts";
import type { ProcRecord, ProcState } from "./states.ts";
import type { Effect, MachineContext, MachineEvent, Row, Transition } from "./machine_types.ts";

export * from "./machine_types.ts";

/**
 * Applies one event. Process and timer events whose generation is not the record's are dropped
 * unchanged, so a late exit of an earlier child can never move the current one.
 */
export function transition(
  record: ProcRecord,
  event: MachineEvent,
  ctx: MachineContext,
): Transition {
  if ("gen" in event && event.gen !== record.generation) {
    return { record, effects: [], dropped: true };
  }
  const handler = TABLE[record.state][event.type] as (
    record: ProcRecord,
    event: MachineEvent,
    ctx: MachineContext,
  ) => Transition;
  return handler(record, event, ctx);
}

// ---- the table -----------------------------------------------------------------------------

/** Dependency news for a process that is not WAITING: too late to matter (no propagation). */
const notWaiting = { DEPS_MET: ignoreAny, DEP_FAILED: ignoreAny } as const;
/** Ready news of another spawn, or after the start settled: nothing to do. */
const noReadyCheck = { READY: ignoreAny, READY_TIMEOUT: ignoreAny, UNHEALTHY: ignoreAny } as const;

function ignoreAny(record: ProcRecord): Transition {
  return ignore(record);
}

const IDLE_ROW = (state: ProcState): Row => ({
  // X -> STARTING (operator start resets retries and the crash-loop throttle), or
  // X -> WAITING when the start names unmet dependencies
  START: operatorStart,
  // X -> X (nothing runs: `not running`)
  STOP: (r) => wantDown(r),
  // stale: no child of this generation is alive
  SPAWNED: illegal(state, "SPAWNED"),
  SPAWN_FAILED: illegal(state, "SPAWN_FAILED"),
  EXITED: (r) => ignore(r),
  TIMEOUT: (r) => ignore(r),
  ...notWaiting,
  ...noReadyCheck,
});

/** RUNNING when the ready check (if any) passed and starttime elapsed; else stay STARTING. */
function settleStart(r: ProcRecord, ctx: MachineContext, before: readonly Effect[]): Transition {
  if (r.starttimeDone && r.ready !== false) return reachRunning(r, ctx, before);
  return { record: r, effects: before };
}

/** The transition table: state × event → handler. */
export const TABLE: { readonly [S in ProcState]: Row } = {
  STOPPED: IDLE_ROW("STOPPED"),
  EXITED: IDLE_ROW("EXITED"),
  FATAL: IDLE_ROW("FATAL"),
  WAITING: {
    // WAITING -> WAITING (waiting list updated) | STARTING (nothing left to wait for)
    START: operatorStart,
    // WAITING -> STOPPED (at once: nothing runs)
    STOP: (r, _e, ctx) => stoppedAfter({ ...r, wanted: "down" }, ctx, null),
    SPAWNED: illegal("WAITING", "SPAWNED"),
    SPAWN_FAILED: illegal("WAITING", "SPAWN_FAILED"),
    // stale: the last child already exited before the wait began
    EXITED: (r) => ignore(r),
    TIMEOUT: (r) => ignore(r),
    // WAITING -> STARTING (every condition met; counters reset as for an operator start)
    DEPS_MET: operatorStart,
    // WAITING -> FATAL (`dependency migrate exited with status 3`)
    DEP_FAILED: dependencyFailed,
    ...noReadyCheck,
  },
  STARTING: {
    // STARTING -> STARTING (already starting)
    START: (r) => wantUp(r),
    // STARTING -> STOPPING
    STOP: (r, e, ctx) => beginStop(r, e, ctx),
    // STARTING -> STARTING (pid known; arm starttime) or STARTING -> RUNNING (starttime 0 and
    // no ready check)
    SPAWNED: (r, e, ctx) => {
      const withPid = { ...r, pid: e.pid };
      const spawned: Effect = {
        type: "EMIT",
        level: "INFO",
        event: "spawned",
        fields: { pid: e.pid },
      };
      if (ctx.spec.starttime <= 0) {
        return settleStart({ ...withPid, starttimeDone: true }, ctx, [spawned]);
      }
      return {
        record: withPid,
        effects: [spawned, { type: "ARM", ms: ctx.spec.starttime * 1000, gen: r.generation }],
      };
    },
    // STARTING -> BACKOFF | FATAL (OS error text as reason)
    SPAWN_FAILED: (r, e, ctx) => startFailed(r, ctx, e.error, { lastError: e.error }, []),
    // STARTING -> BACKOFF | FATAL (exit before starttime or before ready)
    EXITED: (r, e, ctx) => {
      const exit = exitOf(e);
      const expected = isExpected(exit, ctx.spec.exitcodes);
      return startFailed(r, ctx, describeExit(exit), { lastExit: exit }, [
        { type: "DISARM" },
        emitExited(r, exit, expected),
      ]);
    },
    // STARTING -> RUNNING (stayed up starttime, ready if checked) | STARTING (still not ready)
    TIMEOUT: (r, _e, ctx) => settleStart({ ...r, starttimeDone: true }, ctx, []),
    ...notWaiting,
    // STARTING -> RUNNING (ready after starttime) | STARTING (ready, starttime still running)
    READY: (r, e, ctx) =>
      settleStart({ ...r, ready: true }, ctx, [{
        type: "EMIT",
        level: "INFO",
        event: "ready",
        fields: { check: e.check, after: e.after },
      }]),
    // health checks run only while RUNNING: a verdict of another period is stale
    UNHEALTHY: (r) => ignore(r),
    // STARTING -> STOPPING (deadline passed: stop it; its exit is a failed start)
    READY_TIMEOUT: (r, e, ctx) => {
      const stop = beginStop(
        r,
        { type: "STOP", by: "daemon" },
        ctx,
        `not ready after ${e.deadline}s`,
      );
      return {
        record: stop.record,
        effects: [{
          type: "EMIT",
          level: "WARN",
          event: "ready-timeout",
          fields: { check: e.check, deadline: e.deadline, last: e.last },
        }, ...stop.effects],
      };
    },
  },
  RUNNING: {
    // RUNNING -> RUNNING (already started)
    START: (r) => wantUp(r),
    // RUNNING -> STOPPING
    STOP: (r, e, ctx) => beginStop(r, e, ctx),
    SPAWNED: illegal("RUNNING", "SPAWNED"),
    SPAWN_FAILED: illegal("RUNNING", "SPAWN_FAILED"),
    // RUNNING -> EXITED (no restart, or held by a critical trigger) | STARTING (immediate
    // restart) | BACKOFF (crash-loop throttle)
    EXITED: runningExited,
    // RUNNING has no timer armed: a late expiry is harmless
    TIMEOUT: (r) => ignore(r),
    ...notWaiting,
    ...noReadyCheck,
    // RUNNING -> STOPPING (`stopping reason=unhealthy`; its exit restarts it, as unexpected)
    UNHEALTHY: (r, _e, ctx) => beginStop(r, { type: "STOP", by: "daemon" }, ctx, null, true),
  },
  BACKOFF: {
    // BACKOFF -> STARTING (operator start resets retries and throttle) | WAITING (unmet deps)
    START: operatorStart,
    // BACKOFF -> STOPPED (at once: nothing runs)
    STOP: (r, _e, ctx) => stoppedAfter({ ...r, wanted: "down" }, ctx, null),
    SPAWNED: illegal("BACKOFF", "SPAWNED"),
    SPAWN_FAILED: illegal("BACKOFF", "SPAWN_FAILED"),
    // stale: the child of this generation already exited
    EXITED: (r) => ignore(r),
    // BACKOFF -> STARTING (automatic retry or throttled restart: never waits for dependencies)
    TIMEOUT: (r, _e, ctx) => spawn(r, ctx, false),
    ...notWaiting,
    ...noReadyCheck,
  },
  STOPPING: {
    // STOPPING -> STOPPING (a start waits for the stop to finish)
    START: (r) => same(r),
    // STOPPING -> STOPPING (an operator stop turns a failed-start stop into a plain stop)
    STOP: (r) =>
      r.failReason === null && !r.healthRestart
        ? same(r)
        : same({ ...r, wanted: "down", failReason: null, healthRestart: false }),
    // STOPPING -> STOPPING (spawn finished after the stop: signal the new child too)
    SPAWNED: (r, e, ctx) => ({
      record: { ...r, pid: e.pid },
      effects: [{ type: "KILL", signal: ctx.spec.stopsignal }],
    }),
    // STOPPING -> STOPPED (the spawn never happened)
    SPAWN_FAILED: (r, e, ctx) => stoppedAfter({ ...r, lastError: e.error }, ctx, null),
    // STOPPING -> STOPPED | BACKOFF | FATAL (the stop of a failed start: ready deadline)
    EXITED: (r, e, ctx) => {
      const exit = exitOf(e);
      if (r.healthRestart) return runningExited(r, e, ctx, true);
      if (r.failReason === null) return stoppedAfter(r, ctx, exit);
      return startFailed(r, ctx, r.failReason, {
        lastExit: exit,
        failReason: null,
        killSent: false,
      }, [
        { type: "DISARM" },
        emitExited(r, exit, isExpected(exit, ctx.spec.exitcodes)),
      ]);
    },
    // STOPPING -> STOPPING (stoptime passed: SIGKILL the group, once)
    TIMEOUT: (r) =>
      r.killSent ? same(r) : {
        record: { ...r, killSent: true },
        effects: [{ type: "KILL", signal: "SIGKILL" }, {
          type: "EMIT",
          level: "WARN",
          event: "killed",
          fields: { pid: r.pid },
        }],
      },
    ...notWaiting,
    ...noReadyCheck,
  },
};
