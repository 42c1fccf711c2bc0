/**
 * A ProcessOutput whose files are opened on demand: when opening fails (a log path that is a
 * symlink, a directory, not writable…), the error surfaces from `stdio()` — which the
 * supervisor calls inside its spawn attempt — so it becomes a spawn error (BACKOFF → FATAL with
 * the OS text, docs/lifecycle.md) instead of stopping the daemon or a reload. Each later spawn
 * retries the open, so fixing the path and starting the program again works.
 */
import type { StreamName } from "../protocol/types.ts";
import type { ProcessOutput, StdioMode } from "./types.ts";

/** Wraps `open` (which may throw) into an output that retries the open at each spawn. */
export function createRetryingOutput(open: () => ProcessOutput): ProcessOutput {
  let inner: ProcessOutput | null = null;
  const current = (): ProcessOutput => (inner ??= open());
  try {
    current();
  } catch {
    // Reported when the next spawn asks for stdio(); nothing is running yet.
  }
  return {
    stdio: (stream: StreamName): StdioMode => current().stdio(stream),
    attach: (stdout, stderr) => current().attach(stdout, stderr),
    detach: () => inner?.detach(),
    tail: (stream) => inner?.tail(stream) ?? new Uint8Array(0),
    follow: (stream, listener, options) => inner?.follow(stream, listener, options) ?? (() => {}),
    get lostBytes() {
      return inner?.lostBytes ?? 0;
    },
    close: () => inner?.close() ?? Promise.resolve(),
  };
}
