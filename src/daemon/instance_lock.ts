/**
 * One daemon per control socket (docs/cli.md "One daemon per socket"): an exclusive flock(2) on
 * `SOCKET.lock`, taken before anything else and held for the daemon's life. The kernel drops it
 * when the process ends, even by SIGKILL, so a crash never leaves a lock to clean up.
 *
 * Why a lock and not only the socket probe: two daemons started at once can both find a stale
 * socket, and the later one would remove the socket the earlier one had just bound, stop the
 * children it had just started (the orphan sweep reads the same pids file) and run every program
 * a second time. The lock file is never removed: removing it would reopen that race.
 */

/** A held instance lock; `release` closes the file, which drops the lock. */
export interface InstanceLock {
  readonly path: string;
  release(): void;
}

/** The lock file that guards `socket`. */
export function lockPathFor(socket: string): string {
  return `${socket}.lock`;
}

/**
 * Takes the lock for `socket` without waiting. Answers null when another process holds it;
 * throws with the path in the message when the file cannot be opened at all.
 */
export function acquireInstanceLock(socket: string): InstanceLock | null {
  const path = lockPathFor(socket);
  let file: Deno.FsFile;
  try {
    file = Deno.openSync(path, { read: true, write: true, create: true, mode: 0o600 });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`cannot open the lock file ${path}: ${reason}`);
  }
  let held: boolean;
  try {
    held = file.tryLockSync(true);
  } catch (error) {
    file.close();
    throw error;
  }
  if (!held) {
    file.close();
    return null;
  }
  let released = false;
  return {
    path,
    release() {
      if (released) return;
      released = true;
      file.close();
    },
  };
}
