/**
 * One log file on disk shared by every writer that names its path: writes are serialized in
 * arrival order, rotated by size, reopened when the file vanishes, and never throw. A write that
 * fails or stalls past {@link STALL_MS} drops its bytes (counted); the next successful write is
 * preceded by a `[taskmaster: N bytes dropped]` line (docs/lifecycle.md "Exits and output").
 */
import { LogOpenError, type OpenedLog, openLog } from "./safe_open.ts";

/** A write stuck longer than this makes the file drop new bytes instead of blocking children. */
export const STALL_MS = 1000;
/** A stall check running this much after its time means the event loop, not the disk, lagged. */
const LATE_MS = 100;
/** Delay of the re-check after a late one. */
const RECHECK_MS = 50;
/** Past this, a write in flight counts as stalled even while the event loop keeps lagging. */
export const STARVED_LIMIT_MS = 10_000;
/** How often (at most) a file checks that its path still names the open file. */
export const IDENTITY_CHECK_MS = 1000;

/** What became of one write. `stalled`: still in flight after STALL_MS, may land later. */
export type WriteOutcome =
  | { readonly status: "written" }
  | { readonly status: "dropped"; readonly bytes: number; readonly reason: string }
  | { readonly status: "stalled" };

/** A log file as seen by its writers (one per path, shared through FileRegistry). */
export interface SharedLogFile {
  readonly path: string;
  /** Appends the bytes; resolves when written, dropped or stalled. Never rejects. */
  write(chunk: Uint8Array): Promise<WriteOutcome>;
  /** Bytes dropped by this file so far (failed or stalled writes). */
  readonly droppedBytes: number;
}

/** Settings of a {@link RotatingFile}. */
export interface RotatingFileOptions {
  /** Rotate before the file would exceed this size; 0 = never rotate. */
  readonly maxBytes: number;
  /** Numbered backups kept (path.1 newest … path.N oldest). */
  readonly backups: number;
  /** Called once per failure episode (open or write errors), not per chunk. */
  readonly onError?: (path: string, error: unknown) => void;
}

const WRITTEN: WriteOutcome = { status: "written" };
const STALLED: WriteOutcome = { status: "stalled" };
const NEWLINE = 10;
const encoder = new TextEncoder();

interface Job {
  readonly chunk: Uint8Array | null; // null = reopen request
  readonly resolve: (outcome: WriteOutcome) => void;
  settled: boolean;
}

/** The {@link SharedLogFile} implementation: a serialized, rotating, self-healing appender. */
export class RotatingFile implements SharedLogFile {
  readonly path: string;
  readonly #options: RotatingFileOptions;
  #opened: OpenedLog | null;
  #size: number;
  #queue: Job[] = [];
  #draining: Promise<void> | null = null;
  #inflight: Job | null = null;
  #inflightSince = 0;
  #stalled = false;
  #watchdog: ReturnType<typeof setTimeout> | undefined;
  #pendingMarker = 0;
  /** Bytes of the current job's chunk already in the file. */
  #chunkWritten = 0;
  #dropped = 0;
  #lastByte = NEWLINE;
  #lastCheck: number;
  #lastOpenTry = 0;
  #openError: unknown = null;
  #failing = false;
  #closed = false;

  /** @param opened the file already opened by the caller (so open errors surface at acquire). */
  constructor(path: string, opened: OpenedLog, options: RotatingFileOptions) {
    this.path = path;
    this.#opened = opened;
    this.#size = opened.size;
    this.#options = options;
    this.#lastCheck = performance.now();
  }

  /** Bytes dropped so far. */
  get droppedBytes(): number {
    return this.#dropped;
  }

  /** Queues the bytes behind every earlier write; see {@link SharedLogFile.write}. */
  write(chunk: Uint8Array): Promise<WriteOutcome> {
    if (chunk.length === 0) return Promise.resolve(WRITTEN);
    if (this.#closed) return Promise.resolve(this.#drop(chunk.length, "log file closed"));
    if (this.#stalled) {
      return Promise.resolve(
        this.#drop(chunk.length, `write stalled for more than ${STALL_MS} ms`),
      );
    }
    return this.#enqueue(chunk);
  }

  /** Closes and reopens the file at its path after the writes queued before (SIGUSR2). */
  async reopen(): Promise<void> {
    if (!this.#closed) await this.#enqueue(null);
  }

  /** Flushes queued writes, then closes the file. Further writes are dropped. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    while (this.#draining) await this.#draining;
    this.#closeFile();
    clearTimeout(this.#watchdog);
    this.#watchdog = undefined;
  }

  #enqueue(chunk: Uint8Array | null): Promise<WriteOutcome> {
    return new Promise((resolve) => {
      this.#queue.push({ chunk, resolve, settled: false });
      this.#draining ??= this.#drain();
    });
  }

  async #drain(): Promise<void> {
    let job: Job | undefined;
    while ((job = this.#queue.shift()) !== undefined) {
      this.#inflight = job;
      this.#inflightSince = performance.now();
      this.#armWatchdog();
      const outcome = job.chunk === null
        ? await this.#reopenNow()
        : await this.#writeJob(job.chunk);
      this.#inflight = null;
      this.#stalled = false;
      if (!job.settled) {
        job.settled = true;
        job.resolve(outcome);
      }
    }
    this.#draining = null;
  }

  async #writeJob(chunk: Uint8Array): Promise<WriteOutcome> {
    this.#chunkWritten = 0;
    try {
      await this.#ensureOpen();
      await this.#checkIdentity();
      if (this.#pendingMarker > 0) await this.#writeMarker();
      await this.#writeData(chunk);
      this.#failing = false;
      return WRITTEN;
    } catch (error) {
      this.#report(error);
      // Whatever part of the chunk reached the file stays there; only the rest is lost.
      const rest = chunk.length - this.#chunkWritten;
      return rest > 0 ? this.#drop(rest, errorText(error)) : WRITTEN;
    }
  }

  /** Writes `chunk`, rotating at line ends where possible (progress in #chunkWritten). */
  async #writeData(chunk: Uint8Array): Promise<void> {
    const { maxBytes } = this.#options;
    let rest = chunk;
    while (rest.length > 0) {
      const opened = await this.#ensureOpen();
      const room = maxBytes - this.#size;
      if (maxBytes <= 0 || !opened.regular || rest.length <= room) {
        await this.#writeAll(opened, rest, true);
        break;
      }
      // Cut after the last newline that still fits, so files end on whole lines. With no
      // newline in reach, a file that is empty or already ends mid-line is filled to the limit
      // (a newline-less stream gives files of exactly maxBytes).
      let cut = room > 0 ? rest.subarray(0, room).lastIndexOf(NEWLINE) + 1 : 0;
      if (cut === 0 && (this.#size === 0 || this.#lastByte !== NEWLINE)) cut = Math.max(0, room);
      if (cut > 0) {
        await this.#writeAll(opened, rest.subarray(0, cut), true);
        rest = rest.subarray(cut);
      }
      await this.#rotate();
    }
  }

  async #writeAll(opened: OpenedLog, bytes: Uint8Array, data: boolean): Promise<void> {
    let offset = 0;
    while (offset < bytes.length) {
      const n = await opened.file.write(bytes.subarray(offset));
      offset += n;
      this.#size += n;
      if (data) this.#chunkWritten += n;
      this.#lastByte = bytes[offset - 1] ?? this.#lastByte;
    }
  }

  async #writeMarker(): Promise<void> {
    const lead = this.#lastByte === NEWLINE ? "" : "\n";
    const marker = encoder.encode(`${lead}[taskmaster: ${this.#pendingMarker} bytes dropped]\n`);
    const opened = await this.#ensureOpen();
    await this.#writeAll(opened, marker, false);
    this.#pendingMarker = 0;
  }

  async #rotate(): Promise<void> {
    const { backups } = this.#options;
    this.#closeFile();
    if (backups > 0) {
      for (let i = backups - 1; i >= 1; i--) {
        await renameIfPresent(`${this.path}.${i}`, `${this.path}.${i + 1}`);
      }
      await renameIfPresent(this.path, `${this.path}.1`);
    } else {
      await removeIfPresent(this.path);
    }
    await this.#ensureOpen();
  }

  /** The open file, opening it if needed; after a failure, retries at most once per second. */
  async #ensureOpen(): Promise<OpenedLog> {
    if (this.#opened) return this.#opened;
    const now = performance.now();
    if (this.#openError !== null && now - this.#lastOpenTry < IDENTITY_CHECK_MS) {
      throw this.#openError;
    }
    this.#lastOpenTry = now;
    try {
      this.#opened = await openLog(this.path);
    } catch (error) {
      this.#openError = error;
      throw error;
    }
    this.#openError = null;
    this.#size = this.#opened.size;
    this.#lastCheck = now;
    return this.#opened;
  }

  /** Reopens when the file was deleted or renamed away (checked at most once per second). */
  async #checkIdentity(): Promise<void> {
    const now = performance.now();
    const opened = this.#opened;
    if (!opened || now - this.#lastCheck < IDENTITY_CHECK_MS) return;
    this.#lastCheck = now;
    const stat = await opened.file.stat();
    let current: Deno.FileInfo | null = null;
    try {
      current = await Deno.lstat(this.path);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
    const same = current !== null && !current.isSymlink && current.ino === opened.ino &&
      current.dev === opened.dev && stat.nlink !== 0;
    if (!same) {
      this.#closeFile();
      await this.#ensureOpen();
    }
  }

  async #reopenNow(): Promise<WriteOutcome> {
    this.#closeFile();
    this.#openError = null;
    try {
      await this.#ensureOpen();
      return WRITTEN;
    } catch (error) {
      this.#report(error);
      return { status: "dropped", bytes: 0, reason: errorText(error) };
    }
  }

  #closeFile(): void {
    const opened = this.#opened;
    this.#opened = null;
    if (!opened) return;
    try {
      opened.file.close();
    } catch (error) {
      // Closing can only fail for an fd that is already gone; there is nothing left to release.
      this.#report(error);
    }
  }

  #drop(bytes: number, reason: string): WriteOutcome {
    this.#dropped += bytes;
    this.#pendingMarker += bytes;
    return { status: "dropped", bytes, reason };
  }

  #report(error: unknown): void {
    if (this.#failing) return;
    this.#failing = true;
    this.#options.onError?.(this.path, error);
  }

  /** One timer at a time, only while a write is in flight: cheap even at high write rates. */
  #armWatchdog(): void {
    if (this.#watchdog !== undefined) return;
    const due = this.#inflightSince + STALL_MS;
    const delay = Math.max(1, due - performance.now());
    // Not unref'd: it only exists while a write is in flight, which keeps the process busy anyway.
    this.#watchdog = setTimeout(() => this.#onWatchdog(due), delay);
  }

  /**
   * A stall is judged only by a timely check. A starved event loop (a machine out of CPU) runs
   * this timer late, possibly in the same turn as the write's completion, which the disk already
   * did: then the check is repeated from a fresh turn, so that completion lands first. A loop that
   * stays starved still drops after {@link STARVED_LIMIT_MS}, so a child is never blocked for long.
   */
  #onWatchdog(due: number): void {
    this.#watchdog = undefined;
    if (!this.#inflight) return;
    const now = performance.now();
    const inflightFor = now - this.#inflightSince;
    if (inflightFor < STALL_MS) return this.#armWatchdog();
    if (now - due > LATE_MS && inflightFor < STARVED_LIMIT_MS) {
      this.#watchdog = setTimeout(() => this.#onWatchdog(now + RECHECK_MS), RECHECK_MS);
      return;
    }
    this.#onStall(this.#inflight);
  }

  #onStall(job: Job): void {
    this.#stalled = true;
    this.#report(new Error(`write to ${this.path} stalled for more than ${STALL_MS} ms`));
    if (!job.settled) {
      job.settled = true;
      job.resolve(STALLED);
    }
    const reason = `write stalled for more than ${STALL_MS} ms`;
    const keep: Job[] = [];
    for (const queued of this.#queue) {
      if (queued.chunk === null) {
        keep.push(queued);
        continue;
      }
      queued.settled = true;
      queued.resolve(this.#drop(queued.chunk.length, reason));
    }
    this.#queue = keep;
  }
}

function errorText(error: unknown): string {
  if (error instanceof LogOpenError) return error.message;
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

async function renameIfPresent(from: string, to: string): Promise<void> {
  try {
    await Deno.rename(from, to);
  } catch (error) {
    // A missing backup is normal (fewer rotations so far, or an operator removed it).
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}

async function removeIfPresent(path: string): Promise<void> {
  try {
    await Deno.remove(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}
