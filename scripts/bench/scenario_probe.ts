/**
 * Probe load (docs/benchmarks.md): 500 `sleep` processes, each with a tcp health check at a 1 s
 * period against one loopback listener that the bench runs in its own process, so the daemon's
 * CPU is the checks' cost alone. Only Taskmaster has health checks; the bare loop does the same
 * connect + close per child per second in C, the floor. supervisord and PM2 have no checks: n/a.
 */
import { cpuPercentOver, type Scenario, sleepers, timedStart } from "./scenario_kit.ts";
import { sleep } from "./proc.ts";

const PROCESSES = 500;

/** CPU of the daemon over the probe window, and the checks the listener saw per second. */
export const probeLoad: Scenario = {
  name: "probeload",
  tools: ["taskmaster", "bare"],
  async run(driver, dir, options) {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    let accepted = 0;
    const serving = (async () => {
      for await (const conn of listener) {
        accepted++;
        conn.close();
      }
    })().catch(() => {}); // ends with an error when the listener closes
    try {
      const port = (listener.addr as Deno.NetAddr).port;
      await driver.launch(dir, [{ ...sleepers(PROCESSES), health: { port, period: 1 } }]);
      const { pids } = await timedStart(driver, PROCESSES);
      await sleep(3000); // every check loop started, JIT warm
      const before = accepted;
      const t0 = performance.now();
      const cpu = await cpuPercentOver(driver, options.probeSeconds);
      const rate = (accepted - before) / ((performance.now() - t0) / 1000);
      // A restart (unhealthy) would measure spawns, not checks: the run is void then.
      const now = new Set(await driver.runningPids());
      const restarted = pids.filter((pid) => !now.has(pid)).length;
      if (restarted > 0) throw new Error(`${restarted} processes restarted during the window`);
      const healthy = await driver.healthyCount?.() ?? PROCESSES;
      if (healthy !== PROCESSES) throw new Error(`${healthy} of ${PROCESSES} healthy`);
      // Stopped while the listener still accepts, so no check fails on the way out.
      await driver.stopAll();
      return { probe_cpu_500_pct: cpu, probe_checks_per_s: rate };
    } finally {
      listener.close();
      await serving;
    }
  },
};
