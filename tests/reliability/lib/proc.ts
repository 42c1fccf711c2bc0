/**
 * /proc readers for the battery's resource sampler and descendant tracking (docs/reliability.md
 * "Harness conventions"): RSS, fd count, process state/session/parent, and latency percentiles.
 */
import { parseProcStat } from "../../../src/process/proc_stat.ts";

/** VmRSS of `pid` in MiB (throws if the process is gone). */
export function rssMiB(pid: number): number {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  const kb = Number(status.match(/^VmRSS:\s+(\d+) kB/m)?.[1] ?? NaN);
  return kb / 1024;
}

/** Number of open fds of `pid`. */
export function fdCount(pid: number): number {
  let n = 0;
  for (const _ of Deno.readDirSync(`/proc/${pid}/fd`)) n++;
  return n;
}

/** Parsed fields of /proc/PID/stat that the battery needs. */
export interface ProcStat {
  pid: number;
  state: string;
  ppid: number;
  pgid: number;
  sid: number;
}

/** `/proc/PID/stat` of one process, or null when it is gone. */
export function procStat(pid: number): ProcStat | null {
  let text: string;
  try {
    text = Deno.readTextFileSync(`/proc/${pid}/stat`);
  } catch (_e) {
    return null; // gone between listing and reading: that is an answer too
  }
  const stat = parseProcStat(text);
  if (stat === null) return null;
  return { pid, state: stat.state, ppid: stat.ppid, pgid: stat.pgid, sid: stat.sid };
}

/** Every process on the machine (a snapshot). */
export function allProcs(): ProcStat[] {
  const out: ProcStat[] = [];
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    const stat = procStat(Number(entry.name));
    if (stat) out.push(stat);
  }
  return out;
}

/** Zombies whose parent is `daemonPid` or whose session is one of `sessions`. */
export function zombiesOf(daemonPid: number, sessions: ReadonlySet<number>): ProcStat[] {
  return allProcs().filter((p) => p.state === "Z" && (p.ppid === daemonPid || sessions.has(p.sid)));
}

/** Live (non-zombie) processes in any of `sessions`. */
export function liveInSessions(sessions: ReadonlySet<number>): ProcStat[] {
  return allProcs().filter((p) => p.state !== "Z" && sessions.has(p.sid));
}

/** The q-quantile (0..1) of `values` (nearest rank); NaN for none. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN;
}

/** `/proc/PID/status` lines as a map (Uid, Gid, Groups, CapEff, NoNewPrivs…). */
export function procStatus(pid: number): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of Deno.readTextFileSync(`/proc/${pid}/status`).split("\n")) {
    const at = line.indexOf(":");
    if (at > 0) out.set(line.slice(0, at), line.slice(at + 1).trim());
  }
  return out;
}
