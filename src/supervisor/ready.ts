/**
 * How an instance watches the readiness of one spawn (docs/lifecycle.md "Ready checks"): a
 * factory, injected so unit tests use a fake; the default runs the real probes of src/checks/.
 */
import type { Clock } from "../clock.ts";
import type { ProgramSpec, ReadySpec } from "../config/types.ts";
import { ReadyWatcher } from "../checks/ready_watcher.ts";
import { LOG_LINE_CAP } from "../config/log_pattern.ts";

/** A running readiness watch of one spawn. */
export interface ReadyWatch {
  /** One complete output line of the spawn (either stream), for `log` checks. */
  feedLine(line: string): void;
  /** Ends the watch: timers cancelled, a check in flight killed. Idempotent. */
  stop(): void;
}

/** What a watch needs; it reports once, through `onReady` or `onDeadline`. */
export interface ReadyWatchOptions {
  readonly ready: ReadySpec;
  readonly spec: ProgramSpec;
  readonly processName: string;
  readonly index: number;
  readonly secretEnv: readonly string[];
  readonly clock: Clock;
  readonly onReady: (event: { check: string; after: number }) => void;
  readonly onDeadline: (event: { check: string; deadline: number; last: string }) => void;
}

/** Creates the watch of one spawn, right after it. */
export type ReadyWatchFactory = (options: ReadyWatchOptions) => ReadyWatch;

/** The real probes (tcp, http, exec, log) of src/checks/. */
export const realReadyWatch: ReadyWatchFactory = (o) =>
  new ReadyWatcher({
    spec: o.ready,
    exec: { spec: o.spec, processName: o.processName, index: o.index, secretEnv: o.secretEnv },
    clock: o.clock,
    onReady: o.onReady,
    onDeadline: o.onDeadline,
  });

/**
 * Splits a byte stream into complete lines (LF, a trailing CR dropped) for `log` checks; a line
 * longer than the cap is cut there, so a child that never writes a newline costs bounded memory.
 */
export class LineSplitter {
  #decoder = new TextDecoder();
  #partial = "";
  readonly #onLine: (line: string) => void;

  constructor(onLine: (line: string) => void) {
    this.#onLine = onLine;
  }

  /** Feeds one chunk. */
  push(chunk: Uint8Array): void {
    const text = this.#partial + this.#decoder.decode(chunk, { stream: true });
    const lines = text.split("\n");
    this.#partial = lines.pop() ?? "";
    for (const line of lines) this.#onLine(line.endsWith("\r") ? line.slice(0, -1) : line);
    if (this.#partial.length > LOG_LINE_CAP) {
      this.#onLine(this.#partial.slice(0, LOG_LINE_CAP));
      this.#partial = "";
    }
  }
}
