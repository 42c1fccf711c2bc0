/**
 * Pure parsing of one `/proc/PID/stat` line. The command name sits in parentheses and may itself
 * contain spaces and parentheses, so the fields are whatever follows the LAST `)`.
 */

/** The fields of a stat line this project reads (proc(5) numbering in the comments). */
export interface ProcStat {
  /** (1) pid. */
  readonly pid: number;
  /** (2) command name, without the parentheses (truncated to 15 bytes by the kernel). */
  readonly comm: string;
  /** (3) state letter: R, S, D, Z, T, t, X… */
  readonly state: string;
  /** (4) parent pid. */
  readonly ppid: number;
  /** (5) process group id. */
  readonly pgid: number;
  /** (6) session id. */
  readonly sid: number;
  /** (14) user CPU time, in clock ticks. */
  readonly utime: number;
  /** (15) system CPU time, in clock ticks. */
  readonly stime: number;
  /** (22) start time in clock ticks since boot, kept as the kernel's text (an identity key). */
  readonly startTime: string;
}

/** Fields after `pid (comm) `: index 0 is the state, 1 ppid, 2 pgid, 3 sid, 19 starttime. */
export function statFields(line: string): string[] {
  return line.slice(line.lastIndexOf(")") + 2).trimEnd().split(" ");
}

/** Parses a stat line; null when it is not one (no `pid (comm)` head, too few fields). */
export function parseProcStat(line: string): ProcStat | null {
  const open = line.indexOf(" (");
  const close = line.lastIndexOf(")");
  if (open < 1 || close < open) return null;
  const pid = Number(line.slice(0, open));
  const rest = statFields(line);
  const startTime = rest[19];
  if (!Number.isInteger(pid) || pid <= 0 || startTime === undefined) return null;
  return {
    pid,
    comm: line.slice(open + 2, close),
    state: rest[0] ?? "?",
    ppid: Number(rest[1]),
    pgid: Number(rest[2]),
    sid: Number(rest[3]),
    utime: Number(rest[11]),
    stime: Number(rest[12]),
    startTime,
  };
}

/** True for a state that is no longer a running process: zombie (Z) or dead (X). */
export function isDeadState(state: string): boolean {
  return state === "Z" || state === "X";
}
