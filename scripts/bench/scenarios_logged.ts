/**
 * The logged-program rows (docs/benchmarks.md): every process has its own stdout log file
 * (stderr discarded, no rotation), written as one program per process for every tool since
 * Taskmaster has no per-instance `stdout` path. Plus the daemon with no program at all, the base
 * of the per-child memory rows that report.ts derives.
 */
import type { Driver, ProgramSpec } from "./driver.ts";
import {
  type Figures,
  memory,
  respawnSamples,
  type Scenario,
  SLEEP,
  timedStart,
} from "./scenario_kit.ts";
import { sleep } from "./proc.ts";
import { median } from "./stats.ts";

/** `n` programs `p0`…, one `sleep` process each, stdout to `dir/logs/pI.out.log`. */
function loggedSleepers(dir: string, n: number): ProgramSpec[] {
  Deno.mkdirSync(`${dir}/logs`, { recursive: true });
  return Array.from({ length: n }, (_, i) => ({
    name: `p${i}`,
    cmd: [...SLEEP],
    numprocs: 1,
    autorestart: true,
    stoptime: 1,
    stdout: `${dir}/logs/p${i}.out.log`,
  }));
}

/** Throws unless every program's log file exists (each tool opens it at spawn). */
function checkLogFiles(programs: ProgramSpec[]): void {
  const missing = programs.filter((p) => {
    try {
      return !Deno.statSync(p.stdout!).isFile;
    } catch {
      return true;
    }
  });
  if (missing.length > 0) {
    throw new Error(`${missing.length} of ${programs.length} stdout log files missing`);
  }
}

/** Launches `n` logged programs and starts them all; ms until all RUNNING. */
async function startLogged(driver: Driver, dir: string, n: number): Promise<number> {
  const programs = loggedSleepers(dir, n);
  await driver.launch(dir, programs);
  const { ms } = await timedStart(driver, n);
  checkLogFiles(programs);
  return ms;
}

/** The daemon with no program configured, 1 s after it answers: its memory floor. */
const empty: Scenario = {
  name: "empty",
  async run(driver, dir) {
    await driver.launch(dir, []);
    // The bare loop has no daemon until it runs: started with 0 children, it is the loop alone.
    if (driver.tool === "bare") await driver.startAll();
    await sleep(1000);
    return memory(driver, 0);
  },
};

/** Start 100 logged programs until all RUNNING. */
const spawn100Logged: Scenario = {
  name: "spawn100logged",
  async run(driver, dir) {
    return { spawn_100_logged_ms: await startLogged(driver, dir, 100) };
  },
};

/** Start 500 logged programs until all RUNNING, then the daemon's memory 1 s later. */
const spawn500Logged: Scenario = {
  name: "spawn500logged",
  async run(driver, dir) {
    const figures: Figures = { spawn_500_logged_ms: await startLogged(driver, dir, 500) };
    await sleep(1000); // the same settle as the `stdout: none` memory rows
    return { ...figures, ...memory(driver, "500_logged") };
  },
};

/** Crash → respawn of one logged program (the log file is reopened at each spawn). */
const crashLogged: Scenario = {
  name: "crashlogged",
  async run(driver, dir, options) {
    const programs = loggedSleepers(dir, 1);
    await driver.launch(dir, programs);
    const { pids } = await timedStart(driver, 1);
    const samples = await respawnSamples(driver, pids, options.crashes);
    checkLogFiles(programs);
    return { respawn_logged_ms: median(samples), respawn_logged_max_ms: Math.max(...samples) };
  },
};

/** The logged scenarios, in run order. */
export const LOGGED_SCENARIOS: Scenario[] = [empty, spawn100Logged, spawn500Logged, crashLogged];
