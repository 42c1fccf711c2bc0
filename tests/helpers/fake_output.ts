/**
 * A {@link ProcessOutput} for unit tests: no stream is read. Each `attach` returns a drain
 * promise that settles at once (the default) or only when the test calls `drain()`, to exercise
 * the output grace after an exit. Calls are counted.
 */
import type { ProcessOutput, StdioMode } from "../../src/logs/types.ts";
import type { StreamName } from "../../src/protocol/types.ts";

/** Output capture that records what the supervisor asked of it. */
export class FakeOutput implements ProcessOutput {
  readonly lostBytes = 0;
  /** How many spawns were attached. */
  attached = 0;
  /** How many times detach() was called (exit without EOF within the grace). */
  detached = 0;
  /** How many times close() was called. */
  closed = 0;
  /** When false, attach() drains only once the test calls `drain()`. */
  drainAtOnce: boolean;
  #pending: (() => void)[] = [];

  constructor(options: { drainAtOnce?: boolean } = {}) {
    this.drainAtOnce = options.drainAtOnce ?? true;
  }

  stdio(_stream: StreamName): StdioMode {
    return "null";
  }

  attach(): Promise<void> {
    this.attached++;
    if (this.drainAtOnce) return Promise.resolve();
    return new Promise((resolve) => this.#pending.push(resolve));
  }

  /** Ends every pending drain (both streams reached EOF). */
  drain(): void {
    for (const resolve of this.#pending.splice(0)) resolve();
  }

  detach(): void {
    this.detached++;
  }

  tail(_stream: StreamName): Uint8Array {
    return new Uint8Array(0);
  }

  follow(_stream: StreamName, _listener: (chunk: Uint8Array) => void): () => void {
    return () => {};
  }

  close(): Promise<void> {
    this.closed++;
    return Promise.resolve();
  }
}
