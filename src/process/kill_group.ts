/**
 * Signalling a process group: the one place that calls `kill(-pgid, sig)` for the daemon, the
 * orphan sweep at start-up, the tests and the benchmark.
 */

/** Options of {@link killGroup}. */
export interface KillGroupOptions {
  /**
   * Also signal `pid` itself, for a leader that may have left its group (setsid/setpgid in the
   * child). Default false: the group only.
   */
  readonly alsoLeader?: boolean;
  /**
   * Told about a failure other than "no such process" (EPERM and the like); the target then
   * counts as present. Default: one line on stderr.
   */
  readonly onError?: (target: number, error: unknown) => void;
}

/**
 * Sends `signal` to the process group led by `pid` (and to `pid` with `alsoLeader`). Returns
 * false when no target exists any more ("no such process" is never reported).
 */
export function killGroup(
  pid: number,
  signal: Deno.Signal,
  options: KillGroupOptions = {},
): boolean {
  const report = options.onError ?? ((target: number, error: unknown) => {
    console.error(`taskmasterd: kill -${signal} ${target}: ${String(error)}`);
  });
  let present = false;
  for (const target of options.alsoLeader === true ? [-pid, pid] : [-pid]) {
    try {
      Deno.kill(target, signal);
      present = true;
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) continue;
      report(target, error);
      present = true;
    }
  }
  return present;
}
