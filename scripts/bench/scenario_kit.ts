/**
 * What every benchmark scenario shares (docs/benchmarks.md): the scenario contract, the options,
 * the `sleep` programs and the timed steps (start until all RUNNING, stop until all gone, crash
 * until respawned, daemon memory and CPU). Every wait has a deadline.
 */
import type { Driver, ProgramSpec, Tool } from "./driver.ts";
import { CLK_TCK, cpuTicks, memoryKiB, sleep, waitGone } from "./proc.ts";
import { pollUntil } from "./stats.ts";

/** Knobs shared by all scenarios. */
export interface ScenarioOptions {
  /** Idle-CPU window in seconds. */
  idleSeconds: number;
  /** `status` CLI calls per run (their median is the run's figure). */
  statusCalls: number;
  /** Crashes per run (their median is the run's figure). */
  crashes: number;
  /** Lines the capture child writes (`seq 1 N`). */
  captureLines: number;
  /** Probe-load CPU window in seconds. */
  probeSeconds: number;
}

/** One run's figures: metric name → value (ms, KiB, % of one core, count). */
export type Figures = Record<string, number>;

/** A scenario: a name and the function measuring it. */
export interface Scenario {
  name: string;
  /** The tools it applies to (default: all); the others show n/a in its rows. */
  tools?: Tool[];
  run(driver: Driver, dir: string, options: ScenarioOptions): Promise<Figures>;
}

/** The child every scenario runs unless it needs another: it writes nothing and waits. */
export const SLEEP = ["/bin/sleep", "3600"];
/** A child that ignores SIGTERM (the stop timeout must SIGKILL it). */
export const IGNORE_TERM = ["/bin/sh", "-c", "trap '' TERM INT; exec /bin/sleep 3600"];

/** One program of `numprocs` instances of `cmd`, output discarded, restarted on any exit. */
export function sleepers(numprocs: number, cmd = SLEEP): ProgramSpec {
  return { name: "sleeper", cmd, numprocs, autorestart: true, stoptime: 1, stdout: null };
}

/** Starts everything through the CLI and returns ms until the status API shows `n` RUNNING. */
export async function timedStart(
  driver: Driver,
  n: number,
): Promise<{ ms: number; pids: number[] }> {
  const t0 = performance.now();
  const cli = driver.startAll();
  let failed: unknown = null;
  cli.catch((error) => failed = error);
  const pids = await pollUntil(
    `${n} running`,
    async () => {
      if (failed) throw failed;
      const pids = await driver.runningPids();
      return pids.length >= n ? pids : null;
    },
    300_000,
    0,
  );
  const ms = performance.now() - t0;
  await cli;
  return { ms, pids };
}

/** `stop all` through the CLI; ms until it returned and every child pid is gone. */
export async function timedStop(driver: Driver, pids: number[]): Promise<number> {
  const t0 = performance.now();
  await driver.stopAll();
  if (!await waitGone(pids, 30_000)) throw new Error("children still alive after stop all");
  return performance.now() - t0;
}

/** The daemon's RSS and PSS now, as `rss_<key>_kib` and `pss_<key>_kib`. */
export function memory(driver: Driver, key: string | number): Figures {
  const { rssKiB, pssKiB } = memoryKiB(driver.daemonPid());
  return { [`rss_${key}_kib`]: rssKiB, [`pss_${key}_kib`]: pssKiB };
}

/** CPU of the daemon over a `seconds` window from now, in % of one core (/proc ticks). */
export async function cpuPercentOver(driver: Driver, seconds: number): Promise<number> {
  const pid = driver.daemonPid();
  const before = cpuTicks(pid);
  const t0 = performance.now();
  await sleep(seconds * 1000);
  const after = cpuTicks(pid);
  const elapsed = (performance.now() - t0) / 1000;
  if (before === null || after === null) throw new Error("daemon vanished during the window");
  return ((after - before) / CLK_TCK) / elapsed * 100;
}

/**
 * SIGKILLs the only child `crashes` times; each sample is the ms until the status API shows a
 * new RUNNING pid. A 150 ms pause follows each respawn.
 */
export async function respawnSamples(
  driver: Driver,
  first: number[],
  crashes: number,
): Promise<number[]> {
  let pids = first;
  const samples: number[] = [];
  for (let i = 0; i < crashes; i++) {
    const old = pids[0]!;
    const t0 = performance.now();
    Deno.kill(old, "SIGKILL");
    pids = await pollUntil(
      "respawn",
      async () => {
        const now = await driver.runningPids();
        return now.length === 1 && now[0] !== old ? now : null;
      },
      30_000,
      0,
    );
    samples.push(performance.now() - t0);
    await sleep(150); // past PM2's min_uptime floor (100 ms), so no tool counts it unstable
  }
  return samples;
}
