/**
 * An in-memory {@link StateFs} for state-store tests: files as bytes with their modes, every call
 * recorded in order (`create:PATH`, `write:PATH`, `sync:PATH`, `close:PATH`, `rename:A>B`,
 * `remove:PATH`, `syncdir:PATH`), and any step made to fail with a chosen error.
 */
import type { StateFileHandle, StateFs } from "../../src/state/state_fs.ts";

/** Steps a test can make fail. */
export type FsStep = "read" | "create" | "write" | "sync" | "rename" | "syncdir";

/** The fake file system. */
export class FakeStateFs implements StateFs {
  /** File contents by path. */
  readonly files = new Map<string, Uint8Array>();
  /** Mode each file was created with. */
  readonly modes = new Map<string, number>();
  /** Every call, in order. */
  readonly ops: string[] = [];
  /** Steps that throw this error until cleared. */
  readonly failing = new Map<FsStep, Error>();

  /** Puts a file in place (as an earlier daemon would have left it). */
  put(path: string, text: string): void {
    this.files.set(path, new TextEncoder().encode(text));
  }

  /** A file's text, or undefined. */
  text(path: string): string | undefined {
    const bytes = this.files.get(path);
    return bytes === undefined ? undefined : new TextDecoder().decode(bytes);
  }

  readFile(path: string): Uint8Array {
    this.#maybeFail("read");
    const bytes = this.files.get(path);
    if (bytes === undefined) throw new Deno.errors.NotFound(`no such file: ${path}`);
    return bytes.slice();
  }

  createNew(path: string, mode: number): StateFileHandle {
    this.ops.push(`create:${path}`);
    this.#maybeFail("create");
    if (this.files.has(path)) throw new Deno.errors.AlreadyExists(`exists: ${path}`);
    this.files.set(path, new Uint8Array(0));
    this.modes.set(path, mode);
    return {
      writeAll: (bytes) => {
        this.ops.push(`write:${path}`);
        this.#maybeFail("write");
        const old = this.files.get(path) ?? new Uint8Array(0);
        const joined = new Uint8Array(old.length + bytes.length);
        joined.set(old);
        joined.set(bytes, old.length);
        this.files.set(path, joined);
      },
      sync: () => {
        this.ops.push(`sync:${path}`);
        this.#maybeFail("sync");
      },
      close: () => {
        this.ops.push(`close:${path}`);
      },
    };
  }

  rename(from: string, to: string): void {
    this.ops.push(`rename:${from}>${to}`);
    this.#maybeFail("rename");
    const bytes = this.files.get(from);
    if (bytes === undefined) throw new Deno.errors.NotFound(`no such file: ${from}`);
    this.files.set(to, bytes);
    this.files.delete(from);
    const mode = this.modes.get(from);
    if (mode !== undefined) this.modes.set(to, mode);
  }

  remove(path: string): void {
    this.ops.push(`remove:${path}`);
    this.files.delete(path);
  }

  syncDir(path: string): void {
    this.ops.push(`syncdir:${path}`);
    this.#maybeFail("syncdir");
  }

  #maybeFail(step: FsStep): void {
    const error = this.failing.get(step);
    if (error !== undefined) throw error;
  }
}
