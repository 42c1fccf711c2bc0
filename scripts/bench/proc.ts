/**
 * Linux /proc readers and process bookkeeping for the benchmark: memory, CPU ticks, liveness,
 * descendants, and a registry of every process the bench started so that all of them can be
 * killed by pid and process group — on success, on failure and on Ctrl-C.
 */
import { killGroup } from "../../src/process/kill_group.ts";
import { isDeadState, parseProcStat } from "../../src/process/proc_stat.ts";

/** Clock ticks per second used by /proc/PID/stat (USER_HZ; 100 on every Linux we target). */
export const CLK_TCK = 100;

/** True while `pid` exists and is not a zombie. */
export function pidAlive(pid: number): boolean {
  const stat = readStat(pid);
  return stat !== null && !isDeadState(stat.state);
}

interface Stat {
  state: string;
  ppid: number;
  pgid: number;
  ticks: number;
}

function readStat(pid: number): Stat | null {
  let text: string;
  try {
    text = Deno.readTextFileSync(`/proc/${pid}/stat`);
  } catch {
    return null; // the process is gone: that is the answer, not an error
  }
  const stat = parseProcStat(text);
  if (stat === null) return null;
  return { state: stat.state, ppid: stat.ppid, pgid: stat.pgid, ticks: stat.utime + stat.stime };
}

/** CPU time (user + system, in clock ticks) consumed so far by `pid` itself, or null if gone. */
export function cpuTicks(pid: number): number | null {
  return readStat(pid)?.ticks ?? null;
}

/** Memory of `pid` in KiB: RSS from /proc/PID/status and PSS from /proc/PID/smaps_rollup. */
export function memoryKiB(pid: number): { rssKiB: number; pssKiB: number } {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  const rollup = Deno.readTextFileSync(`/proc/${pid}/smaps_rollup`);
  const rss = /^VmRSS:\s+(\d+)/m.exec(status);
  const pss = /^Pss:\s+(\d+)/m.exec(rollup);
  if (!rss || !pss) throw new Error(`cannot read memory of pid ${pid}`);
  return { rssKiB: Number(rss[1]), pssKiB: Number(pss[1]) };
}

/** Every live descendant of `root` (children, grandchildren, …), found through ppid links. */
export function descendants(root: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    const stat = readStat(Number(entry.name));
    if (stat) parentOf.set(Number(entry.name), stat.ppid);
  }
  const found: number[] = [];
  let frontier = [root];
  for (let depth = 0; depth < 16 && frontier.length > 0; depth++) {
    const next: number[] = [];
    for (const [pid, ppid] of parentOf) if (frontier.includes(ppid)) next.push(pid);
    found.push(...next);
    frontier = next;
  }
  return found;
}

/** Sends SIGKILL to the process group of `pid` and to `pid`, ignoring ones already gone. */
export function killGroupAndPid(pid: number): void {
  // PermissionDenied cannot happen as root but must not abort cleanup: it is only printed.
  killGroup(pid, "SIGKILL", {
    alsoLeader: true,
    onError: (target, error) => console.error(`kill ${target}: ${error}`),
  });
}

const tracked = new Set<number>();

/** Registers a pid (a daemon, a loop, a child) so that `cleanupAll` kills it and its tree. */
export function track(pid: number): void {
  tracked.add(pid);
}

/** Forgets a pid the caller has already reaped and cleaned up. */
export function untrack(pid: number): void {
  tracked.delete(pid);
}

/**
 * Kills every tracked process, its descendants (collected before anything dies, since orphans
 * lose their ppid link) and their process groups. Safe to call more than once.
 */
export function cleanupAll(): void {
  const victims = new Set<number>();
  for (const pid of tracked) {
    victims.add(pid);
    if (pidAlive(pid)) { for (const child of descendants(pid)) victims.add(child); }
  }
  // Daemons first so that nothing is respawned while their children die.
  for (const pid of tracked) killGroupAndPid(pid);
  for (const pid of victims) killGroupAndPid(pid);
  tracked.clear();
}

/** Waits (bounded) until none of `pids` is alive; returns true if they all went. */
export async function waitGone(pids: number[], timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (pids.every((pid) => !pidAlive(pid))) return true;
    await sleep(5);
  }
  return pids.every((pid) => !pidAlive(pid));
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
