/**
 * The config in force for the daemon: the one loaded at start, then each one a reload applied.
 * The daemon owns the one instance; the supervisor reports each applied config here, and the
 * daemon-level parts (event log file, web listener, alert settings) follow it.
 */
import type { Config } from "./types.ts";

/** Receives each applied config. */
export type ConfigListener = (config: Config) => void;

/** Holds the current config and tells subscribers, in subscription order, of each new one. */
export class CurrentConfig {
  #value: Config;
  #listeners: ConfigListener[] = [];

  constructor(initial: Config) {
    this.#value = initial;
  }

  /** The config in force. */
  get value(): Config {
    return this.#value;
  }

  /** Calls `listener` with every config applied from now on; returns the unsubscribe function. */
  subscribe(listener: ConfigListener): () => void {
    this.#listeners.push(listener);
    return () => {
      this.#listeners = this.#listeners.filter((l) => l !== listener);
    };
  }

  /**
   * Makes `next` the config in force, then tells every subscriber in order. A subscriber that
   * throws stops the ones after it and the error reaches the caller (the reload that applied it).
   */
  apply(next: Config): void {
    this.#value = next;
    for (const listener of [...this.#listeners]) listener(next);
  }
}
