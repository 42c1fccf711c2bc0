/**
 * The file-system calls the state file needs, behind a small interface so tests can fail any
 * step of the atomic write (docs/state.md "Writing"). All synchronous: a write must be finished
 * before the operator action it records starts, and the file is a few kilobytes.
 */

/** An open file being written. */
export interface StateFileHandle {
  /** Writes every byte (loops over short writes) or throws. */
  writeAll(bytes: Uint8Array): void;
  /** fsync. */
  sync(): void;
  close(): void;
}

/** The calls the state store makes. */
export interface StateFs {
  /** The file's bytes; throws `Deno.errors.NotFound` when it does not exist. */
  readFile(path: string): Uint8Array;
  /** Creates `path` (which must not exist) for writing with `mode`. */
  createNew(path: string, mode: number): StateFileHandle;
  rename(from: string, to: string): void;
  /** Removes a file; a missing file is not an error. */
  remove(path: string): void;
  /** fsync of a folder, so a rename inside it is durable. */
  syncDir(path: string): void;
}

/** The real file system (Deno sync calls). */
export const denoStateFs: StateFs = {
  readFile: (path) => Deno.readFileSync(path),
  createNew(path, mode) {
    const file = Deno.openSync(path, { write: true, createNew: true, mode });
    return {
      writeAll(bytes) {
        let done = 0;
        while (done < bytes.length) done += file.writeSync(bytes.subarray(done));
      },
      sync: () => file.syncSync(),
      close: () => file.close(),
    };
  },
  rename: (from, to) => Deno.renameSync(from, to),
  remove(path) {
    try {
      Deno.removeSync(path);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  },
  syncDir(path) {
    const dir = Deno.openSync(path, { read: true });
    try {
      dir.syncSync();
    } finally {
      dir.close();
    }
  },
};
