/**
 * The daemon's one shutdown: whoever asks first (SIGTERM, SIGINT, `exit`) names it in the
 * `daemon-stop` event; every later ask shares the same stop of the programs.
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
  #finished = Promise.withResolvers<void>();

  constructor(hub: EventHub, target: Stoppable) {
    this.#hub = hub;
    this.#target = target;
  }

  /** True once a shutdown was asked for. */
  get requested(): boolean {
    return this.#stopping !== null;
  }

  /** Asks for the shutdown; the first caller's `by` is logged, later calls change nothing. */
  request(by: string): void {
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
