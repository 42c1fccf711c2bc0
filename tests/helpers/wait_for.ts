/**
 * Deadline-bounded waiting for tests: re-checks a predicate when poked (event-driven) and at a
 * short fallback interval, and fails with the given description when the deadline passes.
 * Also the tests' process probes, over the daemon's own /proc parser and group kill.
 */
import { killGroup } from "../../src/process/kill_group.ts";
import { isDeadState, parseProcStat } from "../../src/process/proc_stat.ts";

/** Waits until `check()` returns a truthy value and resolves with it; rejects after `timeoutMs`. */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  options: { timeoutMs?: number; intervalMs?: number; what?: string | (() => string) } = {},
): Promise<NonNullable<T>> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const intervalMs = options.intervalMs ?? 20;
  const deadline = performance.now() + timeoutMs;
  let last: unknown = undefined;
  while (true) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
      last = value;
    } catch (error) {
      last = error;
    }
    if (performance.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what(options.what)} (last: ${String(last)})`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * Waits until `pid` runs its own program and resolves with its argv. A child just reported
 * spawned (RUNNING at once with `starttime: 0`) may still be between fork and exec, or in the
 * setsid(1) step that opens its session (docs/lifecycle.md): /proc then shows an empty or a
 * `setsid` command line and an environment that is not yet the program's.
 */
export function waitExeced(pid: number, timeoutMs = 10_000): Promise<string[]> {
  return waitFor(() => {
    const argv = Deno.readTextFileSync(`/proc/${pid}/cmdline`).split("\0").filter((a) => a);
    return argv.length > 0 && !/(^|\/)setsid$/.test(argv[0]!) ? argv : null;
  }, { timeoutMs, what: `pid ${pid} running its own program` });
}

/**
 * Waits until `pid` ignores SIGTERM (its /proc status `SigIgn` mask has bit 15). A TERM-ignoring
 * test child (`trap '' TERM`) stopped before its shell ran the trap dies of the signal like any
 * other: a test about stoptime waits for the trap first.
 */
export function waitIgnoresTerm(pid: number, timeoutMs = 10_000): Promise<true> {
  return waitFor(() => {
    const line = Deno.readTextFileSync(`/proc/${pid}/status`).match(/^SigIgn:\s*([0-9a-f]+)$/m);
    return line !== null && (BigInt(`0x${line[1]}`) & (1n << 14n)) !== 0n ? true as const : null;
  }, { timeoutMs, what: `pid ${pid} ignoring SIGTERM` });
}

/** The /proc state letter of `pid` (`R`, `S`, `T`, `Z`…), or null when it is gone. */
export function procState(pid: number): string | null {
  try {
    return parseProcStat(Deno.readTextFileSync(`/proc/${pid}/stat`))?.state ?? null;
  } catch {
    return null;
  }
}

function what(description: string | (() => string) | undefined): string {
  return typeof description === "function" ? description() : description ?? "condition";
}

/** True while a process with this pid exists (zombies count as gone). */
export function pidAlive(pid: number): boolean {
  const state = procState(pid);
  return state !== null && !isDeadState(state);
}

/** Sends SIGKILL to a pid's process group and to the pid, ignoring "no such process". */
export function killTree(pid: number): void {
  killGroup(pid, "SIGKILL", {
    alsoLeader: true,
    onError: (_target, error) => {
      throw error;
    },
  });
}
