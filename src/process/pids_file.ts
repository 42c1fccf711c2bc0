/**
 * `taskmasterd.pids`: pid and kernel start time of every live child, so the next daemon run can
 * stop what a SIGKILLed predecessor left behind (docs/lifecycle.md "Pids file and orphans").
 */
import type { SignalName } from "../config/types.ts";
import type { EventHub } from "../events.ts";
import { type Clock, sleep, systemClock, type TimerId } from "../clock.ts";
import { isStopSignal } from "../protocol/signals.ts";
import { killGroup } from "./kill_group.ts";
import { readProcStats } from "./proc_fs.ts";
import { isDeadState, parseProcStat } from "./proc_stat.ts";

/** Writes after a burst of changes settle, so 500 spawns cost one rewrite. */
const DEBOUNCE_MS = 100;
/** Poll step while waiting for an orphan to die (only at daemon start). */
const POLL_MS = 50;

/** Start times (clock ticks since boot, /proc/PID/stat field 22) of the live, non-zombie pids. */
export function processStartTimes(pids: readonly number[]): Map<number, string> {
  const starts = new Map<number, string>();
  for (const [pid, line] of readProcStats(pids)) {
    const stat = parseProcStat(line);
    if (stat === null || isDeadState(stat.state)) continue;
    starts.set(pid, stat.startTime);
  }
  return starts;
}

/** Start time of one pid, or null when it is gone (or a zombie). */
export function processStartTime(pid: number): string | null {
  return processStartTimes([pid]).get(pid) ?? null;
}

/** One live child as recorded: how the next run must stop it if this run dies. */
export interface ChildRecord {
  readonly pid: number;
  /** The program's stop signal and stoptime (defaults: SIGTERM and the caller's timeout). */
  readonly stopsignal?: SignalName;
  readonly stoptimeMs?: number;
}

/** The pids file of one daemon run: debounced atomic rewrites of the live children. */
export class PidsFile {
  #path: string;
  #collect: () => ChildRecord[];
  #clock: Clock;
  #timer: TimerId | null = null;

  /** @param collect returns every child the daemon currently holds. */
  constructor(path: string, collect: () => ChildRecord[], clock: Clock = systemClock) {
    this.#path = path;
    this.#collect = collect;
    this.#clock = clock;
  }

  /** Notes that the set of children changed; the file is rewritten shortly after. */
  schedule(): void {
    if (this.#timer !== null) return;
    this.#timer = this.#clock.setTimer(DEBOUNCE_MS, () => {
      this.#timer = null;
      this.flush();
    });
  }

  /** Rewrites the file now (atomically: temp file + rename); removes it when no child runs. */
  flush(): void {
    if (this.#timer !== null) this.#clock.clearTimer(this.#timer);
    this.#timer = null;
    const lines: string[] = [];
    try {
      const children = this.#collect();
      const starts = processStartTimes(children.map((child) => child.pid));
      for (const child of children) {
        const start = starts.get(child.pid);
        if (start === undefined) continue;
        const policy = child.stopsignal === undefined
          ? ""
          : ` ${child.stopsignal} ${Math.round(child.stoptimeMs ?? 0)}`;
        lines.push(`${child.pid} ${start}${policy}\n`);
      }
      if (lines.length === 0) {
        Deno.removeSync(this.#path);
        return;
      }
      const temp = `${this.#path}.tmp`;
      Deno.writeTextFileSync(temp, lines.join(""), { mode: 0o600 });
      Deno.renameSync(temp, this.#path);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound && lines.length === 0) return;
      console.error(`taskmasterd: cannot write ${this.#path}: ${String(error)}`);
    }
  }
}

/**
 * At daemon start: stops every process group the previous run recorded whose leader still has
 * the recorded start time (its program's stop signal, SIGKILL after its stoptime — SIGTERM and
 * `timeoutMs` for entries without them), logs `orphan-stopped` for each, then removes the file. Resolves with the number of groups stopped.
 */
export async function stopOrphans(
  pidsPath: string,
  hub: EventHub,
  timeoutMs: number,
  clock: Clock = systemClock,
): Promise<number> {
  let text: string;
  try {
    text = await Deno.readTextFile(pidsPath);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return 0;
    throw error;
  }
  const recorded = new Map<number, { start: string; signal: Deno.Signal; ms: number }>();
  for (const line of text.split("\n")) {
    const [pidText, start, signal, ms] = line.trim().split(" ");
    const pid = Number(pidText);
    if (!Number.isInteger(pid) || pid <= 1 || start === undefined) continue;
    recorded.set(pid, {
      start,
      signal: isStopSignal(signal) ? signal : "SIGTERM",
      ms: ms !== undefined && Number.isFinite(Number(ms)) ? Number(ms) : timeoutMs,
    });
  }
  const current = processStartTimes([...recorded.keys()]);
  const targets = [...recorded].filter(([pid, r]) => current.get(pid) === r.start);
  await Promise.all(
    targets.map(([pid, r]) => stopGroup(pid, hub, { signal: r.signal, timeoutMs: r.ms }, clock)),
  );
  await Deno.remove(pidsPath).catch((error) => {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  });
  return targets.length;
}

async function stopGroup(
  pid: number,
  hub: EventHub,
  how: { signal: Deno.Signal; timeoutMs: number },
  clock: Clock,
) {
  const start = processStartTime(pid);
  signal(pid, how.signal);
  signal(pid, "SIGCONT");
  const deadline = clock.now() + how.timeoutMs;
  while (processStartTime(pid) === start && start !== null && clock.now() < deadline) {
    await sleep(clock, POLL_MS).done;
  }
  let used: Deno.Signal = how.signal;
  if (start !== null && processStartTime(pid) === start) {
    signal(pid, "SIGKILL");
    used = "SIGKILL";
  }
  hub.emit("WARN", "orphan-stopped", null, { pid, signal: used });
}

/** The group `pid` led and `pid` itself (in case it left its group). */
function signal(pid: number, sig: Deno.Signal): void {
  killGroup(pid, sig, { alsoLeader: true });
}
