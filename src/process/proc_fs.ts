/**
 * Reads `/proc/PID/stat` lines. Deno gates every /proc path behind `--allow-all` (measured on
 * 2.9.6: `--allow-read` is not enough), so when the daemon runs with explicit `--allow-*` flags
 * (`deno task daemon`) this falls back to one `cat` child per batch (`--allow-run` suffices).
 */

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
    const pid = Number(line.slice(0, line.indexOf(" ")));
    if (Number.isInteger(pid) && pid > 0) stats.set(pid, line);
  }
  return stats;
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
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
}

/** Fields of a stat line after `pid (comm)`: index 0 is the state, 2 the pgid, 19 starttime. */
export function statFields(line: string): string[] {
  return line.slice(line.lastIndexOf(")") + 2).split(" ");
}
