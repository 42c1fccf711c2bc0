/**
 * Operator actions on one instance that wait for their outcome by listening to its state
 * changes (no polling), bounded by the deadlines of docs/lifecycle.md "Operator action deadlines".
 */
import type { ProgramSpec } from "../config/types.ts";
import type { ActionResult } from "../protocol/types.ts";
import type { Clock } from "../clock.ts";
import type { Instance } from "./instance.ts";
import type { StopBy } from "./machine.ts";
import { totalBackoffMs } from "./policy.ts";
import { type ProcRecord, STOPPED_STATES } from "./states.ts";

/** Slack added to every wait (docs/lifecycle.md "Operator action deadlines"). */
const SLACK_MS = 5000;

/**
 * Resolves with the record once `done(record)` holds (checked at once, then on each change),
 * or with null after `timeoutMs`.
 */
export function waitForRecord(
  instance: Instance,
  clock: Clock,
  done: (record: ProcRecord) => boolean,
  timeoutMs: number,
): Promise<ProcRecord | null> {
  if (done(instance.record)) return Promise.resolve(instance.record);
  return new Promise((resolve) => {
    const finish = (record: ProcRecord | null) => {
      unsubscribe();
      clock.clearTimer(timer);
      resolve(record);
    };
    const unsubscribe = instance.onChange((record) => {
      if (done(record)) finish(record);
    });
    const timer = clock.setTimer(timeoutMs, () => finish(null));
  });
}

/**
 * How long `start` waits: every attempt's window (starttime, or the ready deadline when the
 * program has `ready:`), every backoff delay, plus 5 s; `waitMs` adds the windows of the
 * dependencies a WAITING process waits for (docs/lifecycle.md "Operator action deadlines").
 */
export function startDeadlineMs(spec: ProgramSpec, waitMs = 0): number {
  return startWindowMs(spec) + SLACK_MS + waitMs;
}

/** One program's own start window without slack: attempts × window + backoffs. */
export function startWindowMs(spec: ProgramSpec): number {
  const attempts = spec.startretries + 1;
  const window = spec.ready === null ? spec.starttime : spec.ready.deadline;
  return window * attempts * 1000 + totalBackoffMs(spec.startretries);
}

/** How long `stop` waits: stoptime, the SIGKILL, and slack. */
export function stopDeadlineMs(spec: ProgramSpec): number {
  return spec.stoptime * 1000 + SLACK_MS;
}

function result(instance: Instance, ok: boolean, message: string): ActionResult {
  return { name: instance.name, ok, state: instance.record.state, message };
}

/** How a start is begun and how much longer it may wait for dependencies. */
export interface StartPlan {
  /** Dispatches the start (default: a plain START). */
  readonly begin?: () => void;
  /** Added to the deadline while the process may be WAITING. */
  readonly waitMs?: number;
  /** Message on success (default `started`). */
  readonly message?: string;
}

/** Starts one instance and waits for RUNNING (ok), FATAL or the deadline (failure). */
export async function startOne(
  instance: Instance,
  clock: Clock,
  plan: StartPlan = {},
): Promise<ActionResult> {
  if (instance.record.state === "RUNNING") return result(instance, true, "already started");
  if (instance.record.state === "STOPPING") {
    await waitForRecord(
      instance,
      clock,
      (r) => STOPPED_STATES.has(r.state),
      stopDeadlineMs(instance.spec),
    );
  }
  if (instance.record.state !== "STARTING" && instance.record.state !== "WAITING") {
    if (plan.begin === undefined) instance.dispatch({ type: "START" });
    else plan.begin();
  }
  const final = await waitForRecord(
    instance,
    clock,
    (r) => r.state !== "STARTING" && r.state !== "BACKOFF" && r.state !== "WAITING",
    startDeadlineMs(instance.spec, plan.waitMs ?? 0),
  );
  if (final === null) {
    const r = instance.record;
    return result(instance, false, `not running after the start deadline (${r.state})`);
  }
  if (final.state === "RUNNING") return result(instance, true, plan.message ?? "started");
  const why = final.description === "" ? final.state : `${final.state}: ${final.description}`;
  return result(instance, false, `start failed: ${why}`);
}

/** Stops one instance and waits for a stopped state; `not running` is success. */
export async function stopOne(
  instance: Instance,
  clock: Clock,
  by: StopBy,
): Promise<ActionResult> {
  if (STOPPED_STATES.has(instance.record.state)) return result(instance, true, "not running");
  instance.dispatch({ type: "STOP", by });
  const final = await waitForRecord(
    instance,
    clock,
    (r) => STOPPED_STATES.has(r.state),
    stopDeadlineMs(instance.spec),
  );
  if (final === null) return result(instance, false, "still stopping after the stop deadline");
  return result(instance, true, "stopped");
}

/** Stop then start; reports the start's outcome (or the stop's failure). */
export async function restartOne(
  instance: Instance,
  clock: Clock,
  plan: StartPlan = {},
): Promise<ActionResult> {
  const stopped = await stopOne(instance, clock, "operator");
  if (!stopped.ok) return stopped;
  return await startOne(instance, clock, plan);
}
