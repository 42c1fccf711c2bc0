/**
 * The building blocks of the transition table (machine.ts): each returns the next record and the
 * effects of one cell. Pure: time comes in as `ctx.now`.
 */
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
import {
  type Effect,
  type EventOf,
  type Handler,
  IllegalTransition,
  type MachineContext,
  type MachineEventType,
  type Transition,
} from "./machine_types.ts";

export { describeExit, isExpected };

export function enter(
  record: ProcRecord,
  state: ProcState,
  now: number,
  patch: Partial<ProcRecord> = {},
): ProcRecord {
  return { ...record, ...patch, state, since: state === record.state ? record.since : now };
}

export function same(record: ProcRecord): Transition {
  return { record, effects: [] };
}

/** Process news for a generation with no live child here: nothing to do. */
export function ignore(record: ProcRecord): Transition {
  return same(record);
}

export function illegal<T extends MachineEventType>(state: ProcState, type: T): Handler<T> {
  return () => {
    throw new IllegalTransition(state, type);
  };
}

export function wantUp(record: ProcRecord): Transition {
  return same({ ...record, wanted: "up" });
}

export function wantDown(record: ProcRecord): Transition {
  return same({ ...record, wanted: "down" });
}

export function exitOf(event: EventOf<"EXITED">): ExitInfo {
  return { code: event.signal === null ? event.code : null, signal: event.signal };
}

/** A new child: generation bump; an operator start also resets every counter. */
export function spawn(
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
    waitingOn: [],
    ready: ctx.spec.ready === null ? null : false,
    starttimeDone: false,
    failReason: null,
    healthRestart: false,
  });
  // A restart straight from an exit passes through STARTING again: force a fresh `since`.
  return {
    record: { ...next, since: ctx.now },
    effects: [{ type: "DISARM" }, { type: "SPAWN", gen }],
  };
}

/**
 * An operator (or daemon) start: spawn at once, or wait in WAITING when the start names unmet
 * dependencies.
 */
export function operatorStart(
  record: ProcRecord,
  event: EventOf<"START"> | EventOf<"DEPS_MET">,
  ctx: MachineContext,
): Transition {
  const waitingOn = event.type === "START" ? event.waitingOn ?? [] : [];
  if (waitingOn.length === 0) return spawn(record, ctx, true);
  const description = (event.type === "START" ? event.waitReason : undefined) ??
    `waiting for ${waitingOn.join(", ")}`;
  const next = enter(record, "WAITING", ctx.now, {
    wanted: "up",
    pid: null,
    nextDelay: 0,
    waitingOn,
    description,
  });
  if (record.state === "WAITING") return same(next);
  return {
    record: next,
    effects: [{ type: "DISARM" }, {
      type: "EMIT",
      level: "INFO",
      event: "waiting",
      fields: { on: waitingOn.join(",") },
    }],
  };
}

/** A dependency failed while waiting: FATAL with the reason (docs/lifecycle.md). */
export function dependencyFailed(
  record: ProcRecord,
  event: EventOf<"DEP_FAILED">,
  ctx: MachineContext,
): Transition {
  return {
    record: enter(record, "FATAL", ctx.now, {
      waitingOn: [],
      description: `dependency ${event.dependency} ${event.reason}`,
    }),
    effects: [{
      type: "EMIT",
      level: "ERROR",
      event: "dependency-failed",
      fields: { dependency: event.dependency, reason: event.reason },
    }],
  };
}

export function emitExited(record: ProcRecord, exit: ExitInfo, expected: boolean): Effect {
  return {
    type: "EMIT",
    level: expected ? "INFO" : "WARN",
    event: "exited",
    fields: { pid: record.pid, code: exit.code, signal: exit.signal, expected },
  };
}

/** A start attempt failed (exit before starttime, or spawn error): BACKOFF or FATAL. */
export function startFailed(
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

export function beginStop(
  record: ProcRecord,
  event: EventOf<"STOP">,
  ctx: MachineContext,
  failReason: string | null = null,
  healthRestart = false,
): Transition {
  const signal = ctx.spec.stopsignal;
  const fields: Record<string, string | number | null> = { pid: record.pid, signal, by: event.by };
  if (failReason !== null) fields.reason = "ready-timeout";
  if (healthRestart) fields.reason = "unhealthy";
  return {
    record: enter(record, "STOPPING", ctx.now, {
      // A failed start keeps wanting up: its exit leads to BACKOFF, then a new try.
      wanted: failReason === null && !healthRestart ? "down" : record.wanted,
      killSent: false,
      description: failReason ?? (healthRestart ? "unhealthy: restarting" : ""),
      failReason,
      healthRestart,
    }),
    effects: [
      { type: "EMIT", level: "INFO", event: "stopping", fields },
      { type: "KILL", signal },
      { type: "ARM", ms: ctx.spec.stoptime * 1000, gen: record.generation },
    ],
  };
}

export function reachRunning(
  record: ProcRecord,
  ctx: MachineContext,
  before: readonly Effect[],
): Transition {
  return {
    record: enter(record, "RUNNING", ctx.now, {
      retries: 0,
      runningSince: ctx.now,
      starttimeDone: true,
      description: "",
    }),
    effects: [...before, {
      type: "EMIT",
      level: "INFO",
      event: "running",
      fields: { pid: record.pid },
    }],
  };
}

export function stoppedAfter(
  record: ProcRecord,
  ctx: MachineContext,
  exit: ExitInfo | null,
): Transition {
  const lastExit = exit ?? record.lastExit;
  return {
    record: enter(record, "STOPPED", ctx.now, {
      pid: null,
      lastExit,
      runningSince: null,
      nextDelay: 0,
      killSent: false,
      description: "",
      waitingOn: [],
      failReason: null,
      healthRestart: false,
    }),
    effects: [{ type: "DISARM" }, {
      type: "EMIT",
      level: "INFO",
      event: "stopped",
      fields: { code: lastExit?.code ?? null, signal: lastExit?.signal ?? null },
    }],
  };
}

/**
 * RUNNING -> EXITED (no restart, or held by a critical trigger) | STARTING (immediate restart) |
 * BACKOFF (crash-loop throttle).
 */
export function runningExited(
  r: ProcRecord,
  e: EventOf<"EXITED">,
  ctx: MachineContext,
  forceRestart = false,
): Transition {
  const exit = exitOf(e);
  // A health restart counts as unexpected (throttle, restarts, crash-loop alert).
  const expected = !forceRestart && isExpected(exit, ctx.spec.exitcodes);
  const exited = emitExited(r, exit, expected);
  const common = { pid: null, lastExit: exit, runningSince: null, healthRestart: false };
  const restart = forceRestart || shouldRestart(ctx.spec.autorestart, expected);
  if (r.wanted !== "up" || e.hold === true || !restart) {
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
}
