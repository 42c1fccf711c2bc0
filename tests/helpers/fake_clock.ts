/**
 * A deterministic {@link Clock} for tests: time moves only when a test calls `tick(ms)`, which
 * fires the due timers in time order (ties in the order they were set) and lets the code they
 * woke run (promise callbacks, awaits) before the next one fires.
 */
import type { Clock, TimerId } from "../../src/clock.ts";

interface Timer {
  readonly at: number;
  readonly fn: () => void;
}

/** Fake monotonic + wall clock with manual timers. */
export class FakeClock implements Clock {
  #now = 0;
  #wallAtZero: number;
  #nextId = 1;
  #timers = new Map<number, Timer>();

  /** @param wall wall-clock milliseconds at fake time 0 (a fixed date by default). */
  constructor(wall: number = Date.UTC(2026, 0, 1)) {
    this.#wallAtZero = wall;
  }

  now(): number {
    return this.#now;
  }

  /** Moves together with `now()`. */
  wall(): number {
    return this.#wallAtZero + this.#now;
  }

  setTimer(ms: number, fn: () => void): TimerId {
    const id = this.#nextId++;
    this.#timers.set(id, { at: this.#now + Math.max(0, ms), fn });
    return id;
  }

  clearTimer(id: TimerId): void {
    if (typeof id === "number") this.#timers.delete(id);
  }

  /** Timers set and not yet fired or cleared. */
  get pending(): number {
    return this.#timers.size;
  }

  /** Delays (ms from now) of the pending timers, soonest first. */
  pendingDelays(): number[] {
    return [...this.#timers.values()].map((t) => t.at - this.#now).sort((a, b) => a - b);
  }

  /**
   * Advances time by `ms`, firing every timer that falls due on the way (including timers set by
   * those timers), each at its own time. Settles pending promise work first, between firings and
   * at the end, so `await clock.tick(ms)` leaves the code under test idle.
   */
  async tick(ms = 0): Promise<void> {
    const target = this.#now + Math.max(0, ms);
    await settle();
    for (;;) {
      const next = this.#due(target);
      if (next === null) break;
      this.#timers.delete(next.id);
      this.#now = next.timer.at;
      next.timer.fn();
      await settle();
    }
    this.#now = target;
    await settle();
  }

  #due(target: number): { id: number; timer: Timer } | null {
    let best: { id: number; timer: Timer } | null = null;
    // Map order is insertion order, so `<` keeps the first-set timer among equal times.
    for (const [id, timer] of this.#timers) {
      if (timer.at <= target && (best === null || timer.at < best.timer.at)) best = { id, timer };
    }
    return best;
  }
}

/**
 * Lets already-settled promise work run: one real macrotask turn, before which the runtime
 * drains every microtask (including those queued by microtasks). Real I/O is not waited for.
 */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
