/**
 * The benchmark scenarios (docs/benchmarks.md): each takes a fresh Driver and a temp dir,
 * runs one measurement cycle and returns named figures. Every wait has a deadline.
 */
import {
  cpuPercentOver,
  type Figures,
  IGNORE_TERM,
  memory,
  respawnSamples,
  type Scenario,
  sleepers,
  timedStart,
  timedStop,
} from "./scenario_kit.ts";
import { sleep } from "./proc.ts";
import { median, pollUntil } from "./stats.ts";
import { expectedSeqBytes, verifySeqFile } from "./seq_check.ts";
import { LOGGED_SCENARIOS } from "./scenarios_logged.ts";
import { probeLoad } from "./scenario_probe.ts";

export type { Figures, Scenario, ScenarioOptions } from "./scenario_kit.ts";

/** Spawn 100, memory, idle CPU over the window, then `stop all`. */
const spawn100: Scenario = {
  name: "spawn100",
  async run(driver, dir, options) {
    await driver.launch(dir, [sleepers(100)]);
    const { ms, pids } = await timedStart(driver, 100);
    await sleep(1000); // let start-up work (log flushes, GC) settle before sampling
    const figures: Figures = { spawn_100_ms: ms, ...memory(driver, 100) };
    figures.idle_cpu_100_pct = await cpuPercentOver(driver, options.idleSeconds);
    figures.stop_100_ms = await timedStop(driver, pids);
    return figures;
  },
};

/** Spawn 500, memory, and `status` through the CLI with 500 processes. */
const spawn500: Scenario = {
  name: "spawn500",
  async run(driver, dir, options) {
    await driver.launch(dir, [sleepers(500)]);
    const { ms } = await timedStart(driver, 500);
    await sleep(1000);
    const figures: Figures = { spawn_500_ms: ms, ...memory(driver, 500) };
    if (driver.tool !== "bare") {
      const samples: number[] = [];
      for (let i = 0; i < options.statusCalls; i++) {
        const t0 = performance.now();
        await driver.statusCli();
        samples.push(performance.now() - t0);
      }
      figures.status_500_ms = median(samples);
      for (const [metric, call] of Object.entries(driver.coldCli?.() ?? {})) {
        const cold: number[] = [];
        for (let i = 0; i < options.statusCalls; i++) {
          const t0 = performance.now();
          await call();
          cold.push(performance.now() - t0);
        }
        figures[metric] = median(cold);
      }
    }
    return figures;
  },
};

/** SIGKILL the child, time until the status API shows a new RUNNING pid; median of N crashes. */
const crash: Scenario = {
  name: "crash",
  async run(driver, dir, options) {
    await driver.launch(dir, [sleepers(1)]);
    const { pids } = await timedStart(driver, 1);
    const samples = await respawnSamples(driver, pids, options.crashes);
    return { respawn_ms: median(samples), respawn_max_ms: Math.max(...samples) };
  },
};

/** One child writes `seq 1 N` (~100 MB); time until the log file holds it all, then verify. */
const capture: Scenario = {
  name: "capture",
  async run(driver, dir, options) {
    const file = `${dir}/capture.log`;
    const expected = expectedSeqBytes(options.captureLines);
    await driver.launch(dir, [{
      name: "writer",
      cmd: ["/usr/bin/seq", "1", String(options.captureLines)],
      numprocs: 1,
      autorestart: false,
      stoptime: 1,
      stdout: file,
    }]);
    const t0 = performance.now();
    await driver.startAll();
    let lastSize = -1;
    let stableSince = performance.now();
    await pollUntil(
      "capture complete",
      async () => {
        const size = await Deno.stat(file).then((s) => s.size, () => 0);
        if (size >= expected) return true;
        if (size !== lastSize) [lastSize, stableSince] = [size, performance.now()];
        // A tool that lost bytes never reaches the size: give up after 5 s without growth.
        return performance.now() - stableSince > 5_000 && size > 0 ? true : null;
      },
      180_000,
      5,
    );
    const ms = performance.now() - t0;
    const check = await verifySeqFile(file, options.captureLines);
    return {
      capture_ms: ms,
      capture_mb_per_s: expected / 1e6 / (ms / 1000),
      capture_lost: check.lost,
      capture_dup_or_reordered: check.misplaced,
      capture_extra_bytes: check.extraBytes,
    };
  },
};

/** `stop all` with 100 children that ignore SIGTERM (stop timeout 1 s, then SIGKILL). */
const stopIgnoring: Scenario = {
  name: "stopterm",
  async run(driver, dir) {
    await driver.launch(dir, [sleepers(100, IGNORE_TERM)]);
    const { pids } = await timedStart(driver, 100);
    await sleep(300); // the shells must have reached `trap` before the stop is fair
    return { stop_100_ignoring_term_ms: await timedStop(driver, pids) };
  },
};

/** Every scenario, in run order. */
export const SCENARIOS: Scenario[] = [
  spawn100,
  spawn500,
  crash,
  capture,
  stopIgnoring,
  ...LOGGED_SCENARIOS,
  probeLoad,
];
