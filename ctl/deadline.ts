/**
 * Deadlines for the controller without the global `setTimeout`: its first use loads Deno's Node
 * timers module, ≈15 ms of CPU in a cold `taskmasterctl` (measured: docs/performance.md "Cold
 * controller"). `AbortSignal.timeout` runs on the runtime's own timers.
 */

/** A pending deadline; {@link cancel} it when done, or it keeps the process alive until it fires. */
export interface Deadline {
  cancel(): void;
}

/** Calls `onExpire` once after `ms`, unless cancelled first. */
export function deadline(ms: number, onExpire: () => void): Deadline {
  const signal = AbortSignal.timeout(ms);
  signal.addEventListener("abort", onExpire, { once: true });
  return { cancel: () => signal.removeEventListener("abort", onExpire) };
}
