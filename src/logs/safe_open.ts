/**
 * Opening log files safely: parents created 0750, new files exactly 0640, symlinks refused
 * (row S11 of docs/reliability.md: a user who can write the log folder must not redirect root's
 * writes), and the opened file checked to be the one at the path (no swap between check and open).
 */
import { dirname } from "node:path";

/** Mode of new log files (docs/config.md "File modes"). */
export const LOG_FILE_MODE = 0o640;
/** Mode of log folders the daemon creates (docs/config.md "File modes"). */
export const LOG_DIR_MODE = 0o750;

/** The part of `Deno.FsFile` a log file uses (tests substitute failing or stalling sinks). */
export interface LogHandle {
  write(bytes: Uint8Array): Promise<number>;
  stat(): Promise<Deno.FileInfo>;
  close(): void;
}

/** An open log file and what is known about it. */
export interface OpenedLog {
  readonly file: LogHandle;
  /** Size at open time. */
  readonly size: number;
  /** False for devices and FIFOs (/dev/null, /dev/full): those are never rotated. */
  readonly regular: boolean;
  readonly ino: number | null;
  readonly dev: number;
}

/** A log path that must not or cannot be opened; `message` carries the OS error text. */
export class LogOpenError extends Error {
  /** @param path the log file; @param reason why it was refused (OS error text or policy). */
  constructor(readonly path: string, reason: string) {
    super(`cannot open log file ${path}: ${reason}`);
    this.name = "LogOpenError";
  }
}

const OPEN_EXISTING: Deno.OpenOptions = { write: true, append: true };
const CREATE_NEW: Deno.OpenOptions = {
  write: true,
  append: true,
  createNew: true,
  mode: LOG_FILE_MODE,
};

/** Opens (creating if needed) a log file for appending, synchronously. Throws LogOpenError. */
export function openLogSync(path: string): OpenedLog {
  try {
    ensureParentsSync(dirname(path));
    for (let attempt = 0;; attempt++) {
      const existing = lstatOrNullSync(path);
      if (existing) refuseKind(path, existing);
      let file: Deno.FsFile;
      try {
        file = Deno.openSync(path, existing ? OPEN_EXISTING : CREATE_NEW);
      } catch (error) {
        // Created or removed by someone else between lstat and open: look again, once.
        if (attempt === 0 && isRace(error)) continue;
        throw error;
      }
      try {
        return verifySync(path, file, !existing);
      } catch (error) {
        file.close();
        throw error;
      }
    }
  } catch (error) {
    throw asOpenError(path, error);
  }
}

/** Async twin of {@link openLogSync}, used for reopening from the write loop. */
export async function openLog(path: string): Promise<OpenedLog> {
  try {
    await ensureParents(dirname(path));
    for (let attempt = 0;; attempt++) {
      const existing = await lstatOrNull(path);
      if (existing) refuseKind(path, existing);
      let file: Deno.FsFile;
      try {
        file = await Deno.open(path, existing ? OPEN_EXISTING : CREATE_NEW);
      } catch (error) {
        if (attempt === 0 && isRace(error)) continue;
        throw error;
      }
      try {
        const stat = await file.stat();
        const now = await lstatOrNull(path);
        return finish(path, file, stat, now, !existing);
      } catch (error) {
        file.close();
        throw error;
      }
    }
  } catch (error) {
    throw asOpenError(path, error);
  }
}

function verifySync(path: string, file: Deno.FsFile, created: boolean): OpenedLog {
  return finish(path, file, file.statSync(), lstatOrNullSync(path), created);
}

function finish(
  path: string,
  file: Deno.FsFile,
  stat: Deno.FileInfo,
  now: Deno.FileInfo | null,
  created: boolean,
): OpenedLog {
  // The path must still name the very file we opened: a symlink swapped in between the lstat
  // and the open would have made us open its target.
  if (!now || now.isSymlink || now.ino !== stat.ino || now.dev !== stat.dev) {
    throw new LogOpenError(path, "the path changed while it was being opened (symlink race?)");
  }
  if (created && stat.mode !== null && (stat.mode & 0o777) !== LOG_FILE_MODE) {
    // The umask removed bits from 0640; the mode is explicit, so put them back. The path was
    // just verified to be our own new regular file.
    Deno.chmodSync(path, LOG_FILE_MODE);
  }
  return { file, size: stat.size, regular: stat.isFile, ino: stat.ino, dev: stat.dev };
}

function refuseKind(path: string, info: Deno.FileInfo): void {
  if (info.isSymlink) throw new LogOpenError(path, "it is a symbolic link (refused)");
  if (info.isDirectory) throw new LogOpenError(path, "it is a directory");
}

function isRace(error: unknown): boolean {
  return error instanceof Deno.errors.AlreadyExists || error instanceof Deno.errors.NotFound;
}

function asOpenError(path: string, error: unknown): LogOpenError {
  if (error instanceof LogOpenError) return error;
  return new LogOpenError(path, error instanceof Error ? error.message : String(error));
}

function lstatOrNullSync(path: string): Deno.FileInfo | null {
  try {
    return Deno.lstatSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
}

async function lstatOrNull(path: string): Promise<Deno.FileInfo | null> {
  try {
    return await Deno.lstat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
}

/** Creates each missing folder of `dir` with mode exactly 0750 (umask-independent). */
function ensureParentsSync(dir: string): void {
  const missing: string[] = [];
  for (let d = dir; lstatOrNullSync(d) === null; d = dirname(d)) {
    missing.unshift(d);
    if (dirname(d) === d) break;
  }
  for (const d of missing) {
    try {
      Deno.mkdirSync(d, { mode: LOG_DIR_MODE });
    } catch (error) {
      // Another writer may create the same folder at the same time; that is fine.
      if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
      continue;
    }
    Deno.chmodSync(d, LOG_DIR_MODE);
  }
}

async function ensureParents(dir: string): Promise<void> {
  const missing: string[] = [];
  for (let d = dir; (await lstatOrNull(d)) === null; d = dirname(d)) {
    missing.unshift(d);
    if (dirname(d) === d) break;
  }
  for (const d of missing) {
    try {
      await Deno.mkdir(d, { mode: LOG_DIR_MODE });
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
      continue;
    }
    await Deno.chmod(d, LOG_DIR_MODE);
  }
}
