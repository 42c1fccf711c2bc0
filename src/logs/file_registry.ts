/**
 * The daemon's table of open log files. Several streams (stdout and stderr of one process, or of
 * several processes) may name the same path: they share one {@link RotatingFile}, so their writes
 * are serialized in arrival order and rotation happens once.
 */
import { resolve } from "node:path";
import { RotatingFile, type SharedLogFile } from "./rotating_file.ts";
import { LogOpenError, openLogSync } from "./safe_open.ts";

/** Where the registry reports file trouble (open refusals, failing writes: once per episode). */
export interface FileRegistryHooks {
  onError?(path: string, error: unknown): void;
}

/** Rotation settings of one log file. The first acquirer of a path decides them. */
export interface LogFileOptions {
  readonly maxBytes: number;
  readonly backups: number;
}

interface Entry {
  readonly file: RotatingFile;
  refs: number;
}

/** Refcounted, path-keyed set of open log files. */
export class FileRegistry {
  readonly #hooks: FileRegistryHooks;
  #entries = new Map<string, Entry>();
  #byFile = new Map<SharedLogFile, string>();
  #closing = new Set<Promise<void>>();

  /** @param hooks error reporting (both optional). */
  constructor(hooks: FileRegistryHooks = {}) {
    this.#hooks = hooks;
  }

  /**
   * Returns the shared file for `path` (made absolute), opening it now if nobody holds it.
   * Opening creates missing parent folders (0750) and new files (0640) and refuses symlinks.
   * @throws LogOpenError when the file cannot be opened; the message carries the OS error text
   *   (callers turn it into a spawn failure, docs/lifecycle.md). `onError` is told too.
   */
  acquire(path: string, options: LogFileOptions): SharedLogFile {
    const key = resolve(path);
    const existing = this.#entries.get(key);
    if (existing) {
      existing.refs++;
      return existing.file;
    }
    let opened;
    try {
      opened = openLogSync(key);
    } catch (error) {
      this.#hooks.onError?.(key, error);
      throw error instanceof LogOpenError ? error : new LogOpenError(key, String(error));
    }
    const file = new RotatingFile(key, opened, {
      maxBytes: options.maxBytes,
      backups: options.backups,
      onError: (failed, error) => this.#hooks.onError?.(failed, error),
    });
    this.#entries.set(key, { file, refs: 1 });
    this.#byFile.set(file, key);
    return file;
  }

  /** Drops one reference; the last one flushes and closes the file (in the background). */
  release(file: SharedLogFile): void {
    const key = this.#byFile.get(file);
    if (key === undefined) return;
    const entry = this.#entries.get(key);
    if (!entry || --entry.refs > 0) return;
    this.#entries.delete(key);
    this.#byFile.delete(file);
    const closing = entry.file.close();
    this.#closing.add(closing);
    closing.finally(() => this.#closing.delete(closing));
  }

  /** True when more than one stream holds `file` (their writes then need whole lines). */
  isShared(file: SharedLogFile): boolean {
    const key = this.#byFile.get(file);
    return key !== undefined && (this.#entries.get(key)?.refs ?? 0) > 1;
  }

  /** Closes and reopens every open file at its path, after the writes already queued. */
  async reopenAll(): Promise<void> {
    await Promise.all([...this.#entries.values()].map((entry) => entry.file.reopen()));
  }

  /** Flushes and closes every file, including ones released but still closing. */
  async closeAll(): Promise<void> {
    const files = [...this.#entries.values()].map((entry) => entry.file);
    this.#entries.clear();
    this.#byFile.clear();
    await Promise.all([...files.map((file) => file.close()), ...this.#closing]);
  }

  /** Paths currently open (for `info` and tests). */
  paths(): string[] {
    return [...this.#entries.keys()];
  }
}
