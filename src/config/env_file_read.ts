/**
 * Reading one env file safely (docs/config.md "env_file"): stat before open, so a FIFO, a device,
 * a directory or a symlink loop is refused without ever being opened (an open FIFO would block the
 * loader); size, ownership and mode are checked before the bytes are read. The file system is
 * injected so tests can stage every hazard.
 */

/** The file system calls the reader needs (synchronous: validation is synchronous). */
export interface EnvFileFs {
  /** Like `Deno.lstatSync`: the link itself. */
  lstat(path: string): Deno.FileInfo;
  /** Like `Deno.statSync`: follows symlinks; throws for a loop or a dangling link. */
  stat(path: string): Deno.FileInfo;
  /** Like `Deno.realPathSync`. */
  realPath(path: string): string;
  /** Like `Deno.readFileSync`. */
  readFile(path: string): Uint8Array;
}

/** The real file system. */
export const denoEnvFileFs: EnvFileFs = {
  lstat: (path) => Deno.lstatSync(path),
  stat: (path) => Deno.statSync(path),
  realPath: (path) => Deno.realPathSync(path),
  readFile: (path) => Deno.readFileSync(path),
};

/** Largest env file read (its size is checked before reading). */
export const MAX_ENV_FILE_BYTES = 1024 * 1024;

/** The file's text, its absence, or why it was refused (a message without the file name). */
export type EnvFileRead =
  | { readonly kind: "text"; readonly text: string }
  | { readonly kind: "missing" }
  | { readonly kind: "refused"; readonly message: string };

const refused = (message: string): EnvFileRead => ({ kind: "refused", message });

/**
 * Reads `absPath` for a daemon running as `daemonUid`. Refused: anything but a regular file (after
 * following symlinks; a pseudo file under /proc or /sys included), a file over 1 MiB, a file or folder writable by group or others (a sticky
 * folder like /tmp excepted) or owned by someone other than root or the daemon's user (they could
 * set LD_PRELOAD for a program running as yet another user), bytes that are not UTF-8. Never throws.
 */
export function readEnvFileText(fs: EnvFileFs, absPath: string, daemonUid: number): EnvFileRead {
  let info: Deno.FileInfo;
  try {
    fs.lstat(absPath);
    info = fs.stat(absPath);
  } catch (error) {
    return statFailure(error);
  }
  const kind = kindProblem(info);
  if (kind !== null) return refused(kind);
  const access = accessProblem(info, "", daemonUid);
  if (access !== null) return refused(access);
  if (info.size > MAX_ENV_FILE_BYTES) {
    return refused(`larger than 1 MiB (${info.size} bytes); refusing to read it`);
  }
  let folder: string;
  let bytes: Uint8Array;
  try {
    const real = fs.realPath(absPath);
    // Pseudo files look regular and empty, yet reading one can block (/proc/kmsg) or never end.
    if (/^\/(proc|sys)(\/|$)/.test(real)) {
      return refused(`is on /proc or /sys (${real}), not a regular file`);
    }
    folder = real.slice(0, Math.max(1, real.lastIndexOf("/")));
    const problem = accessProblem(fs.stat(folder), `its folder ${folder} `, daemonUid, true);
    if (problem !== null) return refused(problem);
    bytes = fs.readFile(absPath);
  } catch (error) {
    return statFailure(error);
  }
  // The file may have grown between the stat and the read.
  if (bytes.length > MAX_ENV_FILE_BYTES) {
    return refused(`larger than 1 MiB (${bytes.length} bytes); refusing to read it`);
  }
  try {
    return { kind: "text", text: new TextDecoder("utf-8", { fatal: true }).decode(bytes) };
  } catch (_e) {
    return refused("not valid UTF-8");
  }
}

function kindProblem(info: Deno.FileInfo): string | null {
  if (info.isFile) return null;
  if (info.isDirectory) return "is a directory, not a regular file";
  if (info.isFifo) return "is a FIFO, not a regular file (never opened)";
  if (info.isSocket) return "is a socket, not a regular file";
  if (info.isCharDevice || info.isBlockDevice) return "is a device, not a regular file";
  return "not a regular file";
}

/** `what` prefixes the message: "" for the file itself, "its folder /x " for its folder. */
function accessProblem(
  info: Deno.FileInfo,
  what: string,
  daemonUid: number,
  stickyOk = false,
): string | null {
  const mode = info.mode ?? 0;
  const sticky = (mode & 0o1000) !== 0;
  if ((mode & 0o022) !== 0 && !(stickyOk && sticky)) {
    const octal = (mode & 0o7777).toString(8).padStart(4, "0");
    return `${what}is writable by group or others (mode ${octal}); chmod go-w it`;
  }
  if (info.uid !== null && info.uid !== 0 && info.uid !== daemonUid) {
    return `${what}is owned by uid ${info.uid}, neither root nor the daemon's user (${daemonUid})`;
  }
  return null;
}

function statFailure(error: unknown): EnvFileRead {
  if (error instanceof Deno.errors.NotFound) return { kind: "missing" };
  if (error instanceof Deno.errors.PermissionDenied) return refused("permission denied");
  const text = error instanceof Error ? error.message : String(error);
  if (error instanceof Deno.errors.FilesystemLoop || /os error 40\b/.test(text)) {
    return refused("symlink loop (too many levels of symbolic links)");
  }
  if (error instanceof Deno.errors.NotADirectory) return { kind: "missing" };
  return refused(text);
}
