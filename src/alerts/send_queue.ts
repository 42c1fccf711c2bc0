/**
 * The background sender: a bounded FIFO worked by one loop, each item tried a few times with
 * growing delays. `push()` never waits, so whatever feeds the queue (the event hub, i.e. the
 * supervisor) is never slowed by a slow or dead mail server.
 */

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
  /** The item failed on every attempt; `error` is the last failure. Must not throw. */
  readonly onFailed: (item: T, error: unknown) => void;
}

/** Bounded retrying FIFO; see the module comment. */
export class SendQueue<T> {
  #items: T[] = [];
  #options: SendQueueOptions<T>;
  #worker: Promise<void> | null = null;
  #closed = false;
  #sleepTimer: ReturnType<typeof setTimeout> | undefined;
  #wake: (() => void) | null = null;

  constructor(options: SendQueueOptions<T>) {
    this.#options = options;
  }

  /** Items waiting, not counting the one in flight. */
  get waiting(): number {
    return this.#items.length;
  }

  /** Queues `item`; false (and nothing queued) when the queue is full or closed. */
  push(item: T): boolean {
    if (this.#closed || this.#items.length >= this.#options.limit) return false;
    this.#items.push(item);
    this.#worker ??= this.#run().finally(() => this.#worker = null);
    return true;
  }

  /**
   * Stops the loop: drops waiting items, cancels a pending retry delay and resolves once the
   * attempt in flight (if any) has settled. Callers abort that attempt by closing the transport.
   */
  async close(): Promise<void> {
    this.#closed = true;
    this.#items = [];
    clearTimeout(this.#sleepTimer);
    this.#wake?.();
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
    for (let attempt = 0;; attempt++) {
      try {
        const reply = await this.#options.send(item);
        this.#report(() => this.#options.onSent(item, reply));
        return;
      } catch (error) {
        const delay = delays[attempt];
        if (this.#closed || delay === undefined) {
          this.#report(() => this.#options.onFailed(item, error));
          return;
        }
        await this.#sleep(delay);
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

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.#wake = () => {
        this.#wake = null;
        resolve();
      };
      this.#sleepTimer = setTimeout(() => this.#wake?.(), ms);
    });
  }
}
