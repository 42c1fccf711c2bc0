/**
 * A deterministic {@link Clock} for unit tests: time stands still until the test advances it,
 * and due timers fire in order (deadline, then creation order). Between two firings every
 * pending microtask runs, so async code waiting on promises (an instance's exit watcher, an
 * action waiting for a state) makes all the progress it can before the next timer fires.
 */
import type { Clock, TimerId } from "../../src/clock.ts";

interface PendingTimer {
  readonly id: number;
  readonly at: number;
  readonly fn: () => void;
}

/** Epoch ms the fake wall clock starts at (2026-01-01T00:00:00Z). */
export const FAKE_WALL_START = Date.UTC(2026, 0, 1);

/** Real setTimeout, captured at load: a zero-delay macrotask drains the microtask queue. */
const realSetTimeout = globalThis.setTimeout;

/**
 * Resolves once every microtask queued so far, and every microtask those queue, has run (a
 * macrotask boundary). Involves no waiting on real time.
 */
export function flushMicrotasks(): Promise<void> {
  return new Promise((resolve) => realSetTimeout(resolve, 0));
}

/** Manually advanced time with one-shot timers. */
export class FakeClock implements Clock {
  #now: number;
  #wallOffset: number;
  #seq = 0;
  #timers = new Map<number, PendingTimer>();

  /**
   * @param start the monotonic time to start at (ms).
   * @param wallAtStart the wall-clock time (epoch ms) that `start` corresponds to.
   */
  constructor(start = 0, wallAtStart = FAKE_WALL_START) {
    this.#now = start;
    this.#wallOffset = wallAtStart - start;
  }

  now(): number {
    return this.#now;
  }

  wall(): number {
    return this.#now + this.#wallOffset;
  }

  setTimer(ms: number, fn: () => void): TimerId {
    const id = ++this.#seq;
    this.#timers.set(id, { id, at: this.#now + Math.max(0, ms), fn });
    return id;
  }

  clearTimer(id: TimerId): void {
    if (typeof id === "number") this.#timers.delete(id);
  }

  /** How many timers are pending. */
  get pending(): number {
    return this.#timers.size;
  }

  /** Delays (ms from now) of the pending timers, soonest first. */
  pendingDelays(): number[] {
    return [...this.#timers.values()].map((t) => t.at - this.#now).sort((a, b) => a - b);
  }

  /** Deadline of the next timer to fire, or null when none is pending. */
  nextAt(): number | null {
    return this.#next()?.at ?? null;
  }

  /** Runs pending microtasks without moving time. */
  async flush(): Promise<void> {
    await flushMicrotasks();
  }

  /**
   * Advances time by `ms`, firing every timer that falls due on the way (also those armed by
   * earlier firings), each at its own deadline, with microtasks flushed after each.
   */
  async tick(ms: number): Promise<void> {
    const target = this.#now + ms;
    await flushMicrotasks();
    for (let timer = this.#next(); timer !== null && timer.at <= target; timer = this.#next()) {
      await this.#fire(timer);
    }
    this.#now = target;
    await flushMicrotasks();
  }

  /** Fires only the next pending timer (moving time to its deadline); false when none. */
  async step(): Promise<boolean> {
    await flushMicrotasks();
    const timer = this.#next();
    if (timer === null) return false;
    await this.#fire(timer);
    return true;
  }

  /**
   * Fires timers in order until none is left; throws after `maxTimers` firings (a timer that
   * keeps re-arming itself would otherwise spin forever).
   */
  async runAll(maxTimers = 10_000): Promise<void> {
    for (let fired = 0; await this.step(); fired++) {
      if (fired >= maxTimers) throw new Error(`FakeClock.runAll: still busy after ${fired} timers`);
    }
  }

  /**
   * Fires timers in order until `promise` settles and returns its value. Throws when no timer
   * is left to fire while it is still pending, or once time passed `limitMs` from now.
   */
  async drive<T>(promise: Promise<T>, limitMs = 3_600_000): Promise<T> {
    let settled = false;
    const watched = promise.finally(() => {
      settled = true;
    });
    // Keep an unobserved rejection from escaping while the loop runs.
    watched.catch(() => undefined);
    const limit = this.#now + limitMs;
    await flushMicrotasks();
    while (!settled) {
      const timer = this.#next();
      if (timer === null) throw new Error("FakeClock.drive: still pending and no timer left");
      if (timer.at > limit) throw new Error(`FakeClock.drive: still pending after ${limitMs} ms`);
      await this.#fire(timer);
    }
    return await watched;
  }

  async #fire(timer: PendingTimer): Promise<void> {
    this.#timers.delete(timer.id);
    this.#now = Math.max(this.#now, timer.at);
    timer.fn();
    await flushMicrotasks();
  }

  #next(): PendingTimer | null {
    let best: PendingTimer | null = null;
    for (const timer of this.#timers.values()) {
      if (best === null || timer.at < best.at || (timer.at === best.at && timer.id < best.id)) {
        best = timer;
      }
    }
    return best;
  }
}
