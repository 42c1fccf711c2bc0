/**
 * The daemon's one shutdown: whoever asks first (SIGTERM, SIGINT, `exit`, a critical program)
 * names it in the `daemon-stop` event and sets the daemon's exit code; every later ask shares the
 * same stop of the programs.
 */
import type { EventHub } from "../events.ts";

/** What a shutdown stops. */
export interface Stoppable {
  shutdown(): Promise<void>;
}

/** Starts the shutdown once and tells when every program stopped. */
export class DaemonShutdown {
  #hub: EventHub;
  #target: Stoppable;
  #stopping: Promise<void> | null = null;
  #by: string | null = null;
  #exitCode = 0;
  #requestedAt: number | null = null;
  #finished = Promise.withResolvers<void>();

  constructor(hub: EventHub, target: Stoppable) {
    this.#hub = hub;
    this.#target = target;
  }

  /** True once a shutdown was asked for. */
  get requested(): boolean {
    return this.#stopping !== null;
  }

  /** Who asked first (`SIGTERM`, `taskmasterctl`, `critical`…), or null before any ask. */
  get by(): string | null {
    return this.#by;
  }

  /** The exit code the first caller asked for (0 unless a critical program set one). */
  get exitCode(): number {
    return this.#exitCode;
  }

  /** Monotonic ms (performance.now) of the first ask, or null before any ask. */
  get requestedAt(): number | null {
    return this.#requestedAt;
  }

  /**
   * Asks for the shutdown; the first caller's `by` is logged and its `exitCode` becomes the
   * daemon's, later calls change nothing.
   */
  request(by: string, exitCode = 0): void {
    if (this.#stopping === null) {
      this.#by = by;
      this.#exitCode = exitCode;
      this.#requestedAt = performance.now();
    }
    this.#stopping ??= (async () => {
      this.#hub.emit("INFO", "daemon-stop", null, { by, phase: "begin" });
      await this.#target.shutdown();
    })();
    void this.#stopping.then(this.#finished.resolve);
  }

  /** Resolves once a requested shutdown stopped every program. */
  finished(): Promise<void> {
    return this.#finished.promise;
  }
}
