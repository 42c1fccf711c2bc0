/**
 * One probe attempt bounded by its timeout and by a caller's cancel signal, on the Clock: the
 * promise always settles by the timeout, whatever the work does (a socket that never answers,
 * a child that never exits). The work is told through its signal and cleans up after itself.
 */
import type { Clock } from "../clock.ts";
import type { ProbeResult } from "./types.ts";

/** `1s`, `1.5s`, `250ms`: how timeouts appear in messages. */
export function formatSeconds(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  return `${Number((ms / 1000).toFixed(3))}s`;
}

/** The message of a probe that ran out of time. */
export function timeoutMessage(ms: number): string {
  return `timeout after ${formatSeconds(ms)}`;
}

/**
 * Runs `work(signal)` and settles with its result, or with `timeout after …` once `timeoutMs`
 * passes, or with `cancelled` once `cancel` aborts; `signal` is aborted in both of those cases.
 * Never rejects: a thrown error becomes a failed result with its message.
 */
export function bounded(
  clock: Clock,
  timeoutMs: number,
  cancel: AbortSignal | undefined,
  work: (signal: AbortSignal) => Promise<ProbeResult>,
): Promise<ProbeResult> {
  const controller = new AbortController();
  return new Promise<ProbeResult>((resolve) => {
    let done = false;
    const finish = (result: ProbeResult) => {
      if (done) return;
      done = true;
      clock.clearTimer(timer);
      cancel?.removeEventListener("abort", onCancel);
      if (result.ok === false && !controller.signal.aborted) controller.abort();
      resolve(result);
    };
    const timer = clock.setTimer(timeoutMs, () => {
      finish({ ok: false, message: timeoutMessage(timeoutMs) });
    });
    const onCancel = () => finish({ ok: false, message: "cancelled" });
    if (cancel?.aborted === true) return onCancel();
    cancel?.addEventListener("abort", onCancel, { once: true });
    work(controller.signal).then(
      finish,
      (error) => finish({ ok: false, message: errorText(error) }),
    );
  });
}

/** The message of an error, without a trailing period or stack. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
