/**
 * The background sender: a bounded FIFO worked by one loop, each item tried a few times with
 * growing delays. `push()` never waits, so whatever feeds the queue (the event hub, i.e. the
 * supervisor) is never slowed by a slow or dead mail server. Delays run on an injected
 * {@link Clock}, so tests drive them with a fake one.
 */
import { type Clock, sleep, systemClock } from "../clock.ts";

/** What the queue does with items and how it reports. */
export interface SendQueueOptions<T> {
  /** Most items waiting (not counting the one in flight); a push beyond is refused. */
  readonly limit: number;
  /** Delays (ms) before the 2nd, 3rd… attempt; read per item so config reloads apply. */
  readonly retryDelays: () => readonly number[];
  /** One delivery attempt. */
  readonly send: (item: T) => Promise<string>;
  /** The item went through with this server reply. Must not throw. */
  readonly onSent: (item: T, reply: string) => void;
  /**
   * Attempt number `attempt` (1-based) failed with `error` and the next one follows in
   * `delayMs`. Not called for the last attempt (that is {@link onFailed}). Must not throw.
   */
  readonly onRetry?: (item: T, error: unknown, attempt: number, delayMs: number) => void;
  /** The item failed on every attempt (`attempts` of them); `error` is the last failure. */
  readonly onFailed: (item: T, error: unknown, attempts: number) => void;
  /** Schedules the retry delays; the system clock by default. */
  readonly clock?: Clock;
}

/** Bounded retrying FIFO; see the module comment. */
export class SendQueue<T> {
  #items: T[] = [];
  #options: SendQueueOptions<T>;
  #clock: Clock;
  #worker: Promise<void> | null = null;
  #closed = false;
  #delay: { cancel: () => void } | null = null;

  constructor(options: SendQueueOptions<T>) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
  }

  /** Items waiting, not counting the one in flight. */
  get waiting(): number {
    return this.#items.length;
  }

  /**
   * Queues `item` (ahead of every waiting item with `first`); false (and nothing queued) when the
   * queue is full or closed. Synchronous: an idle queue starts the first attempt before
   * returning, never waiting for it.
   */
  push(item: T, options: { first?: boolean } = {}): boolean {
    if (this.#closed || this.#items.length >= this.#options.limit) return false;
    if (options.first === true) this.#items.unshift(item);
    else this.#items.push(item);
    this.#worker ??= this.#run().finally(() => this.#worker = null);
    return true;
  }

  /** Resolves once nothing is waiting or in flight (every item sent or given up). */
  async idle(): Promise<void> {
    while (this.#worker !== null) await this.#worker;
  }

  /**
   * Stops the loop: drops waiting items, cancels a pending retry delay and resolves once the
   * attempt in flight (if any) has settled. Callers abort that attempt by closing the transport.
   */
  async close(): Promise<void> {
    this.#closed = true;
    this.#items = [];
    this.#delay?.cancel();
    await this.#worker;
  }

  async #run(): Promise<void> {
    while (!this.#closed) {
      const item = this.#items.shift();
      if (item === undefined) return;
      await this.#deliver(item);
    }
  }

  async #deliver(item: T): Promise<void> {
    const delays = this.#options.retryDelays();
    for (let attempt = 1;; attempt++) {
      try {
        const reply = await this.#options.send(item);
        this.#report(() => this.#options.onSent(item, reply));
        return;
      } catch (error) {
        const delay = delays[attempt - 1];
        if (this.#closed || delay === undefined) {
          this.#report(() => this.#options.onFailed(item, error, attempt));
          return;
        }
        this.#report(() => this.#options.onRetry?.(item, error, attempt, delay));
        const pause = sleep(this.#clock, delay);
        this.#delay = pause;
        await pause.done;
        this.#delay = null;
        // Closed during the delay: no further attempt; the item counts as given up.
        if (this.#closed) {
          this.#report(() => this.#options.onFailed(item, error, attempt));
          return;
        }
      }
    }
  }

  /** Runs a report callback; a throwing one must not kill the loop (it would stop all alerts). */
  #report(callback: () => void): void {
    try {
      callback();
    } catch {
      // Ignoring is right here: the callback *is* the reporting path (event hub), so there is
      // nowhere left to report to, and rethrowing would be an unhandled rejection that ends the
      // daemon (Deno exits on one, see src/crash_guards.ts). The callbacks of alerter.ts do not
      // throw by construction.
    }
  }
}
