/**
 * Reads `/proc/PID/stat` lines. Deno gates every /proc path behind `--allow-all` (measured on
 * 2.9.6: `--allow-read` is not enough), so when the daemon runs with explicit `--allow-*` flags
 * (`deno task daemon`) this falls back to one `cat` child per batch (`--allow-run` suffices).
 * The lines are parsed by proc_stat.ts.
 */
import { parseProcStat } from "./proc_stat.ts";

let direct = true;

/**
 * The `/proc/PID/stat` line of each pid that exists, by pid. Missing pids are absent from the
 * map. Throws only for unexpected errors.
 */
export function readProcStats(pids: readonly number[]): Map<number, string> {
  const stats = new Map<number, string>();
  if (pids.length === 0) return stats;
  if (direct) {
    try {
      for (const pid of pids) {
        const line = readDirect(pid);
        if (line !== null) stats.set(pid, line);
      }
      return stats;
    } catch (error) {
      if (!(error instanceof Deno.errors.NotCapable)) throw error;
      direct = false; // no /proc access in this run: use the subprocess from now on
    }
  }
  const { stdout } = new Deno.Command("cat", {
    args: pids.map((pid) => `/proc/${pid}/stat`),
    stdin: "null",
    stdout: "piped",
    stderr: "null", // "No such file" for pids that are gone: absent from the map
  }).outputSync();
  for (const line of new TextDecoder().decode(stdout).split("\n")) {
    const stat = parseProcStat(line);
    if (stat !== null) stats.set(stat.pid, line);
  }
  return stats;
}

/**
 * The stat line of every process /proc lists now; processes that end meanwhile are skipped.
 * Direct /proc access only: callers check {@link procReadable} first.
 */
export function readAllProcStats(): string[] {
  const lines: string[] = [];
  for (const entry of Deno.readDirSync("/proc")) {
    const first = entry.name.charCodeAt(0);
    if (first < 48 || first > 57) continue; // not a pid ("self", "sys", …)
    const line = readDirect(Number(entry.name));
    if (line !== null) lines.push(line);
  }
  return lines;
}

/** True when this run may read /proc directly (false after the first NotCapable). */
export function procReadable(): boolean {
  if (!direct) return false;
  try {
    Deno.statSync("/proc/self");
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) direct = false;
    return false;
  }
}

function readDirect(pid: number): string | null {
  try {
    return Deno.readTextFileSync(`/proc/${pid}/stat`);
  } catch (error) {
    if (isGoneError(error)) return null;
    throw error;
  }
}

/**
 * True for the errors a read of `/proc/PID/...` gives when PID is gone: ENOENT before the open,
 * ESRCH when the process was reaped between open and read (Deno 2.9.6 throws that one as a plain
 * `Error` "No such process (os error 3)", not as `NotFound`; seen in CI).
 */
export function isGoneError(error: unknown): boolean {
  if (error instanceof Deno.errors.NotFound) return true;
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return code === "ESRCH" || code === "ENOENT" || /\(os error 3\)/.test(error.message);
}
