/**
 * The pure per-process state machine: `transition(record, event, ctx)` → new record + effects.
 * One table indexed by state then event type; a missing cell is a compile error. No Deno APIs,
 * no timers, no wall clock: time comes in as `ctx.now` (monotonic ms).
 */
import type { ProgramSpec, SignalName } from "../config/types.ts";
import type { EventName, LogLevel } from "../protocol/types.ts";
import {
  backoffDelayMs,
  crashDelayMs,
  describeExit,
  formatSeconds,
  isExpected,
  shouldRestart,
  STABLE_UPTIME_MS,
} from "./policy.ts";
import type { ExitInfo, ProcRecord, ProcState } from "./states.ts";

/** Who asked for a stop (shown in the `stopping` event). */
export type StopBy = "operator" | "reload" | "shutdown";

/** Inputs of the machine: admin commands, process news, timer expiry. */
export type MachineEvent =
  | { readonly type: "START" }
  | { readonly type: "STOP"; readonly by: StopBy }
  | { readonly type: "SPAWNED"; readonly gen: number; readonly pid: number }
  | { readonly type: "SPAWN_FAILED"; readonly gen: number; readonly error: string }
  | {
    readonly type: "EXITED";
    readonly gen: number;
    readonly code: number | null;
    readonly signal: string | null;
    /** A critical program ended the daemon with this exit: never restart it. */
    readonly hold?: boolean;
  }
  | { readonly type: "TIMEOUT"; readonly gen: number };

/** Event type names. */
export type MachineEventType = MachineEvent["type"];

/** Fields of an emitted event-log entry. */
export type EmitFields = Readonly<Record<string, string | number | boolean | null>>;

/** What the driver must do, in order. */
export type Effect =
  /** Spawn a child for generation `gen`; report SPAWNED or SPAWN_FAILED. */
  | { readonly type: "SPAWN"; readonly gen: number }
  /** Send `signal` to the current child's whole process group. */
  | { readonly type: "KILL"; readonly signal: SignalName }
  /** (Re)arm the instance's single timer; on expiry dispatch TIMEOUT{gen}. */
  | { readonly type: "ARM"; readonly ms: number; readonly gen: number }
  /** Cancel the instance's timer. */
  | { readonly type: "DISARM" }
  /** Publish one event-log entry (docs/events.md "Events"). */
  | {
    readonly type: "EMIT";
    readonly level: LogLevel;
    readonly event: EventName;
    readonly fields: EmitFields;
  };

/** Result of one transition. `dropped` is true for stale events (generation mismatch). */
export interface Transition {
  readonly record: ProcRecord;
  readonly effects: readonly Effect[];
  readonly dropped?: boolean;
}

/** What a transition may read besides the record: the live spec and the monotonic time. */
export interface MachineContext {
  readonly spec: ProgramSpec;
  readonly now: number;
}

/** Thrown for a cell that cannot happen when the driver is correct. */
export class IllegalTransition extends Error {
  constructor(state: ProcState, event: MachineEventType) {
    super(`illegal transition: ${event} in ${state}`);
    this.name = "IllegalTransition";
  }
}

type EventOf<T extends MachineEventType> = Extract<MachineEvent, { type: T }>;
type Handler<T extends MachineEventType> = (
  record: ProcRecord,
  event: EventOf<T>,
  ctx: MachineContext,
) => Transition;
type Row = { readonly [T in MachineEventType]: Handler<T> };

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

// ---- helpers -------------------------------------------------------------------------------

function enter(
  record: ProcRecord,
  state: ProcState,
  now: number,
  patch: Partial<ProcRecord> = {},
): ProcRecord {
  return { ...record, ...patch, state, since: state === record.state ? record.since : now };
}

function same(record: ProcRecord): Transition {
  return { record, effects: [] };
}

/** Process news for a generation with no live child here: nothing to do. */
function ignore(record: ProcRecord): Transition {
  return same(record);
}

function illegal<T extends MachineEventType>(state: ProcState, type: T): Handler<T> {
  return () => {
    throw new IllegalTransition(state, type);
  };
}

function wantUp(record: ProcRecord): Transition {
  return same({ ...record, wanted: "up" });
}

function wantDown(record: ProcRecord): Transition {
  return same({ ...record, wanted: "down" });
}

function exitOf(event: EventOf<"EXITED">): ExitInfo {
  return { code: event.signal === null ? event.code : null, signal: event.signal };
}

/** A new child: generation bump; an operator start also resets every counter. */
function spawn(
  record: ProcRecord,
  ctx: MachineContext,
  operator: boolean,
  patch: Partial<ProcRecord> = {},
): Transition {
  const gen = record.generation + 1;
  const counters: Partial<ProcRecord> = operator
    ? { retries: 0, restarts: 0, quickCrashes: 0, lastError: null, wanted: "up" }
    : { restarts: record.restarts + 1 };
  const next = enter(record, "STARTING", ctx.now, {
    ...counters,
    ...patch,
    generation: gen,
    pid: null,
    nextDelay: 0,
    runningSince: null,
    killSent: false,
    description: "",
  });
  // A restart straight from an exit passes through STARTING again: force a fresh `since`.
  return {
    record: { ...next, since: ctx.now },
    effects: [{ type: "DISARM" }, { type: "SPAWN", gen }],
  };
}

function operatorStart(record: ProcRecord, _event: unknown, ctx: MachineContext): Transition {
  return spawn(record, ctx, true);
}

function emitExited(record: ProcRecord, exit: ExitInfo, expected: boolean): Effect {
  return {
    type: "EMIT",
    level: expected ? "INFO" : "WARN",
    event: "exited",
    fields: { pid: record.pid, code: exit.code, signal: exit.signal, expected },
  };
}

/** A start attempt failed (exit before starttime, or spawn error): BACKOFF or FATAL. */
function startFailed(
  record: ProcRecord,
  ctx: MachineContext,
  reason: string,
  patch: Partial<ProcRecord>,
  before: readonly Effect[],
): Transition {
  const base = { ...patch, pid: null, runningSince: null };
  if (record.retries < ctx.spec.startretries) {
    const retries = record.retries + 1;
    const delay = backoffDelayMs(retries);
    return {
      // STARTING -> BACKOFF
      record: enter(record, "BACKOFF", ctx.now, {
        ...base,
        retries,
        nextDelay: delay,
        description: `${reason}; retry ${retries}/${ctx.spec.startretries} in ${
          formatSeconds(delay)
        }`,
      }),
      effects: [
        ...before,
        { type: "ARM", ms: delay, gen: record.generation },
        {
          type: "EMIT",
          level: "WARN",
          event: "backoff",
          fields: { reason, delay: delay / 1000 },
        },
      ],
    };
  }
  return {
    // STARTING -> FATAL
    record: enter(record, "FATAL", ctx.now, { ...base, nextDelay: 0, description: reason }),
    effects: [...before, { type: "DISARM" }, {
      type: "EMIT",
      level: "ERROR",
      event: "fatal",
      fields: { reason },
    }],
  };
}

function beginStop(record: ProcRecord, event: EventOf<"STOP">, ctx: MachineContext): Transition {
  const signal = ctx.spec.stopsignal;
  return {
    record: enter(record, "STOPPING", ctx.now, {
      wanted: "down",
      killSent: false,
      description: "",
    }),
    effects: [
      {
        type: "EMIT",
        level: "INFO",
        event: "stopping",
        fields: { pid: record.pid, signal, by: event.by },
      },
      { type: "KILL", signal },
      { type: "ARM", ms: ctx.spec.stoptime * 1000, gen: record.generation },
    ],
  };
}

function reachRunning(
  record: ProcRecord,
  ctx: MachineContext,
  before: readonly Effect[],
): Transition {
  return {
    record: enter(record, "RUNNING", ctx.now, { retries: 0, runningSince: ctx.now }),
    effects: [...before, {
      type: "EMIT",
      level: "INFO",
      event: "running",
      fields: { pid: record.pid },
    }],
  };
}

function stoppedAfter(record: ProcRecord, ctx: MachineContext, exit: ExitInfo | null): Transition {
  const lastExit = exit ?? record.lastExit;
  return {
    record: enter(record, "STOPPED", ctx.now, {
      pid: null,
      lastExit,
      runningSince: null,
      nextDelay: 0,
      killSent: false,
      description: "",
    }),
    effects: [{ type: "DISARM" }, {
      type: "EMIT",
      level: "INFO",
      event: "stopped",
      fields: { code: lastExit?.code ?? null, signal: lastExit?.signal ?? null },
    }],
  };
}

// ---- the table -----------------------------------------------------------------------------

const IDLE_ROW = (state: ProcState): Row => ({
  // X -> STARTING (operator start resets retries and the crash-loop throttle)
  START: operatorStart,
  // X -> X (nothing runs: `not running`)
  STOP: (r) => wantDown(r),
  // stale: no child of this generation is alive
  SPAWNED: illegal(state, "SPAWNED"),
  SPAWN_FAILED: illegal(state, "SPAWN_FAILED"),
  EXITED: (r) => ignore(r),
  TIMEOUT: (r) => ignore(r),
});

/** The transition table: state × event → handler. */
export const TABLE: { readonly [S in ProcState]: Row } = {
  STOPPED: IDLE_ROW("STOPPED"),
  EXITED: IDLE_ROW("EXITED"),
  FATAL: IDLE_ROW("FATAL"),
  STARTING: {
    // STARTING -> STARTING (already starting)
    START: (r) => wantUp(r),
    // STARTING -> STOPPING
    STOP: beginStop,
    // STARTING -> STARTING (pid known; arm starttime) or STARTING -> RUNNING (starttime 0)
    SPAWNED: (r, e, ctx) => {
      const withPid = { ...r, pid: e.pid };
      const spawned: Effect = {
        type: "EMIT",
        level: "INFO",
        event: "spawned",
        fields: { pid: e.pid },
      };
      if (ctx.spec.starttime <= 0) return reachRunning(withPid, ctx, [spawned]);
      return {
        record: withPid,
        effects: [spawned, { type: "ARM", ms: ctx.spec.starttime * 1000, gen: r.generation }],
      };
    },
    // STARTING -> BACKOFF | FATAL (OS error text as reason)
    SPAWN_FAILED: (r, e, ctx) => startFailed(r, ctx, e.error, { lastError: e.error }, []),
    // STARTING -> BACKOFF | FATAL (exit before starttime)
    EXITED: (r, e, ctx) => {
      const exit = exitOf(e);
      const expected = isExpected(exit, ctx.spec.exitcodes);
      return startFailed(r, ctx, describeExit(exit), { lastExit: exit }, [
        { type: "DISARM" },
        emitExited(r, exit, expected),
      ]);
    },
    // STARTING -> RUNNING (stayed up starttime)
    TIMEOUT: (r, _e, ctx) => reachRunning(r, ctx, []),
  },
  RUNNING: {
    // RUNNING -> RUNNING (already started)
    START: (r) => wantUp(r),
    // RUNNING -> STOPPING
    STOP: beginStop,
    SPAWNED: illegal("RUNNING", "SPAWNED"),
    SPAWN_FAILED: illegal("RUNNING", "SPAWN_FAILED"),
    // RUNNING -> EXITED (no restart, or held by a critical trigger) | STARTING (immediate
    // restart) | BACKOFF (crash-loop throttle)
    EXITED: (r, e, ctx) => {
      const exit = exitOf(e);
      const expected = isExpected(exit, ctx.spec.exitcodes);
      const exited = emitExited(r, exit, expected);
      const common = { pid: null, lastExit: exit, runningSince: null };
      if (r.wanted !== "up" || e.hold === true || !shouldRestart(ctx.spec.autorestart, expected)) {
        return {
          record: enter(r, "EXITED", ctx.now, {
            ...common,
            description: `${describeExit(exit)} (${expected ? "expected" : "unexpected"})`,
          }),
          effects: [{ type: "DISARM" }, exited],
        };
      }
      const uptime = r.runningSince === null ? 0 : ctx.now - r.runningSince;
      const quickCrashes = uptime >= STABLE_UPTIME_MS ? 1 : r.quickCrashes + 1;
      const delay = crashDelayMs(quickCrashes, ctx.spec.maxrestartdelay);
      if (delay === 0) {
        const next = spawn(r, ctx, false, { ...common, quickCrashes });
        return { record: next.record, effects: [exited, ...next.effects] };
      }
      return {
        record: enter(r, "BACKOFF", ctx.now, {
          ...common,
          quickCrashes,
          nextDelay: delay,
          description: `crash loop: restart in ${formatSeconds(delay)}`,
        }),
        effects: [exited, { type: "ARM", ms: delay, gen: r.generation }, {
          type: "EMIT",
          level: "WARN",
          event: "backoff",
          fields: { reason: "crash loop", delay: delay / 1000 },
        }],
      };
    },
    // RUNNING has no timer armed: a late expiry is harmless
    TIMEOUT: (r) => ignore(r),
  },
  BACKOFF: {
    // BACKOFF -> STARTING (operator start resets retries and throttle)
    START: operatorStart,
    // BACKOFF -> STOPPED (at once: nothing runs)
    STOP: (r, _e, ctx) => stoppedAfter({ ...r, wanted: "down" }, ctx, null),
    SPAWNED: illegal("BACKOFF", "SPAWNED"),
    SPAWN_FAILED: illegal("BACKOFF", "SPAWN_FAILED"),
    // stale: the child of this generation already exited
    EXITED: (r) => ignore(r),
    // BACKOFF -> STARTING (automatic retry or throttled restart)
    TIMEOUT: (r, _e, ctx) => spawn(r, ctx, false),
  },
  STOPPING: {
    // STOPPING -> STOPPING (a start waits for the stop to finish)
    START: (r) => same(r),
    // STOPPING -> STOPPING
    STOP: (r) => same(r),
    // STOPPING -> STOPPING (spawn finished after the stop: signal the new child too)
    SPAWNED: (r, e, ctx) => ({
      record: { ...r, pid: e.pid },
      effects: [{ type: "KILL", signal: ctx.spec.stopsignal }],
    }),
    // STOPPING -> STOPPED (the spawn never happened)
    SPAWN_FAILED: (r, e, ctx) => stoppedAfter({ ...r, lastError: e.error }, ctx, null),
    // STOPPING -> STOPPED
    EXITED: (r, e, ctx) => stoppedAfter(r, ctx, exitOf(e)),
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
  },
};
