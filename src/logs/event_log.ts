/**
 * The daemon's event log file (docs/events.md): every event of the hub becomes one
 * line `formatEvent(event)`, appended to the rotated log file and, in the foreground, to stderr.
 * Writing is queued: `emit` stays synchronous and never waits for or fails because of the disk.
 */
import { type EventHub, formatEvent } from "../events.ts";
import type { LogEvent } from "../protocol/types.ts";
import type { FileRegistry } from "./file_registry.ts";
import type { SharedLogFile, WriteOutcome } from "./rotating_file.ts";

/** Settings of an {@link EventLogWriter}. */
export interface EventLogOptions {
  /** Log file path; null = no file (events still go to stderr if asked, and stay in memory). */
  readonly path: string | null;
  readonly maxBytes: number;
  readonly backups: number;
  /** Also copy every line to the daemon's stderr (foreground mode). */
  readonly stderr: boolean;
  readonly files: FileRegistry;
}

/** Lines waiting beyond this many bytes are dropped (counted): memory stays bounded. */
export const MAX_PENDING_BYTES = 4 * 1024 * 1024;
/** Lines are written in batches of at most about this many bytes. */
const BATCH_BYTES = 64 * 1024;

type Item =
  | { readonly kind: "line"; readonly file: SharedLogFile | null; readonly text: string }
  | { readonly kind: "release"; readonly file: SharedLogFile };

const encoder = new TextEncoder();

/** Writes the hub's events to the event log file and/or stderr, in order. */
export class EventLogWriter {
  readonly #hub: EventHub;
  readonly #files: FileRegistry;
  readonly #unsubscribe: () => void;
  #stderr: boolean;
  #file: SharedLogFile | null = null;
  #target = "";
  #path = "-";
  #queue: Item[] = [];
  #pendingBytes = 0;
  #flushing: Promise<void> | null = null;
  #lostLines = 0;
  #inLoss = false;
  #closed = false;

  /** Subscribes to `hub` at once; opening errors are reported as a `log-loss` event. */
  constructor(hub: EventHub, options: EventLogOptions) {
    this.#hub = hub;
    this.#files = options.files;
    this.#stderr = options.stderr;
    this.setTarget(options.path, options.maxBytes, options.backups);
    this.#unsubscribe = hub.subscribe((event) => this.#onEvent(event));
  }

  /** Lines that could not be written to the file (failed disk, full queue, unopenable file). */
  get lostLines(): number {
    return this.#lostLines;
  }

  /**
   * Switches the log file (reload). Lines queued before go to the old file, later ones to the
   * new one. Same path and sizes: nothing happens.
   */
  setTarget(path: string | null, maxBytes: number, backups: number): void {
    const target = path === null ? "" : `${path}\0${maxBytes}\0${backups}`;
    if (this.#closed || target === this.#target) return;
    this.#target = target;
    this.#path = path ?? "-";
    const old = this.#file;
    this.#file = null;
    if (old) this.#push({ kind: "release", file: old });
    if (path === null) return;
    try {
      this.#file = this.#files.acquire(path, { maxBytes, backups });
    } catch (error) {
      this.#reportLoss(path, error instanceof Error ? error.message : String(error));
    }
  }

  /** Stops listening, writes every queued line, and releases the file. Idempotent. */
  async close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.#unsubscribe();
      if (this.#file) this.#push({ kind: "release", file: this.#file });
      this.#file = null;
    }
    while (this.#flushing) await this.#flushing;
  }

  #onEvent(event: LogEvent): void {
    const text = formatEvent(event) + "\n";
    if (this.#pendingBytes + text.length > MAX_PENDING_BYTES) {
      this.#lostLines++;
      return this.#reportLoss(this.#path, "event log queue full");
    }
    if (this.#file === null && !this.#stderr) {
      if (this.#target !== "") this.#lostLines++;
      return;
    }
    this.#push({ kind: "line", file: this.#file, text });
  }

  #push(item: Item): void {
    this.#queue.push(item);
    if (item.kind === "line") this.#pendingBytes += item.text.length;
    this.#kick();
  }

  /** Starts the flush loop unless it runs; restarts it for items queued as it finished. */
  #kick(): void {
    if (this.#flushing) return;
    const flushing = this.#flush();
    this.#flushing = flushing;
    // The loop may finish synchronously (only releases queued), so its end is recorded here,
    // never inside it.
    flushing.then(() => {
      this.#flushing = null;
      if (this.#queue.length > 0) this.#kick();
    });
  }

  async #flush(): Promise<void> {
    while (this.#queue.length > 0) {
      const first = this.#queue.shift()!;
      if (first.kind === "release") {
        this.#files.release(first.file);
        continue;
      }
      // Batch consecutive lines bound to the same file: one write for a burst of events.
      let text = first.text;
      let count = 1;
      while (text.length < BATCH_BYTES) {
        const next = this.#queue[0];
        if (!next || next.kind !== "line" || next.file !== first.file) break;
        this.#queue.shift();
        text += next.text;
        count++;
      }
      this.#pendingBytes -= text.length;
      const bytes = encoder.encode(text);
      if (first.file) this.#account(first.file, await first.file.write(bytes), count);
      if (this.#stderr) await this.#writeStderr(bytes);
    }
  }

  #account(file: SharedLogFile, outcome: WriteOutcome, lines: number): void {
    if (outcome.status === "written") {
      this.#inLoss = false;
    } else if (outcome.status === "dropped") {
      this.#lostLines += lines;
      this.#reportLoss(file.path, outcome.reason);
    }
  }

  async #writeStderr(bytes: Uint8Array): Promise<void> {
    try {
      let offset = 0;
      while (offset < bytes.length) offset += await Deno.stderr.write(bytes.subarray(offset));
    } catch (error) {
      // A closed or broken stderr (terminal gone) must not stop the file log: stop copying.
      this.#stderr = false;
      this.#reportLoss("stderr", error instanceof Error ? error.message : String(error));
    }
  }

  /**
   * Reports a loss once per episode as a `log-loss` event. Emitted from a microtask so the hub
   * is never re-entered from inside a delivery; the event's own line then simply queues (and,
   * while the episode lasts, cannot trigger another report).
   */
  #reportLoss(file: string, reason: string): void {
    if (this.#inLoss) return;
    this.#inLoss = true;
    queueMicrotask(() => {
      this.#hub.emit("WARN", "log-loss", null, { file, reason, lost: this.#lostLines });
    });
  }
}
