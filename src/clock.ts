/**
 * Time for supervisor code: a monotonic `now()` for every interval (immune to wall-clock jumps),
 * a wall clock only for display, and one-shot timers. Tests inject a fake.
 */

/** Opaque timer handle (a number in Deno, an object under Node typings). */
export type TimerId = number | object;

/** The clock supervisor code reads and schedules with. */
export interface Clock {
  /** Monotonic milliseconds (performance.now); only differences are meaningful. */
  now(): number;
  /** Wall-clock milliseconds since the epoch, for timestamps shown to people. */
  wall(): number;
  /** Calls `fn` once after `ms` milliseconds. */
  setTimer(ms: number, fn: () => void): TimerId;
  /** Cancels a pending timer; unknown or fired ids are ignored. */
  clearTimer(id: TimerId): void;
}

/** The real clock: performance.now, Date.now, setTimeout. */
export const systemClock: Clock = {
  now: () => performance.now(),
  wall: () => Date.now(),
  setTimer: (ms, fn) => setTimeout(fn, Math.max(0, ms)),
  clearTimer: (id) => clearTimeout(id as number),
};

/** Resolves after `ms` on `clock`; `cancel()` settles it early (and frees the timer). */
export function sleep(clock: Clock, ms: number): { done: Promise<void>; cancel: () => void } {
  let id: TimerId | null = null;
  let settle: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    settle = resolve;
    id = clock.setTimer(ms, () => {
      id = null;
      resolve();
    });
  });
  return {
    done,
    cancel: () => {
      if (id !== null) clock.clearTimer(id);
      id = null;
      settle();
    },
  };
}
