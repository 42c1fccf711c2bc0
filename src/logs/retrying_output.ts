/**
 * A ProcessOutput whose files are opened on demand: when opening fails (a log path that is a
 * symlink, a directory, not writable…), the error surfaces from `stdio()` — which the
 * supervisor calls inside its spawn attempt — so it becomes a spawn error (BACKOFF → FATAL with
 * the OS text, docs/lifecycle.md) instead of stopping the daemon or a reload. Each later spawn
 * retries the open, so fixing the path and starting the program again works.
 */
import type { StreamName } from "../protocol/types.ts";
import type { FollowOptions, ProcessOutput, StdioMode } from "./types.ts";

/** Wraps `open` (which may throw) into an output that retries the open at each spawn. */
export function createRetryingOutput(open: () => ProcessOutput): ProcessOutput {
  return new RetryingOutput(open);
}

/**
 * A class rather than an object literal of closures: one per process instance, and the literal
 * (eight closures, a getter, their contexts) cost ≈1 KB each, 0.5 MB of long-lived heap for 500
 * programs (measured; docs/performance.md "Memory per logged child").
 */
class RetryingOutput implements ProcessOutput {
  readonly #open: () => ProcessOutput;
  #inner: ProcessOutput | null = null;

  constructor(open: () => ProcessOutput) {
    this.#open = open;
    try {
      this.#current();
    } catch {
      // Reported when the next spawn asks for stdio(); nothing is running yet.
    }
  }

  #current(): ProcessOutput {
    return (this.#inner ??= this.#open());
  }

  get lostBytes(): number {
    return this.#inner?.lostBytes ?? 0;
  }

  stdio(stream: StreamName): StdioMode {
    return this.#current().stdio(stream);
  }

  attach(
    stdout: ReadableStream<Uint8Array> | null,
    stderr: ReadableStream<Uint8Array> | null,
  ): Promise<void> {
    return this.#current().attach(stdout, stderr);
  }

  detach(): void {
    this.#inner?.detach();
  }

  tail(stream: StreamName): Uint8Array {
    return this.#inner?.tail(stream) ?? new Uint8Array(0);
  }

  follow(
    stream: StreamName,
    listener: (chunk: Uint8Array) => void,
    options?: FollowOptions,
  ): () => void {
    return this.#inner?.follow(stream, listener, options) ?? (() => {});
  }

  close(): Promise<void> {
    return this.#inner?.close() ?? Promise.resolve();
  }
}
