/**
 * W5 load generator, run as its own process so the listener's work is not counted: N health
 * monitors with a tcp check at a 1 s period against `127.0.0.1:PORT`, measured over a window
 * with this process's /proc/self/stat CPU ticks and fd count. Prints one JSON line.
 * Usage: deno run -A probe_load_child.ts PORT COUNT WINDOW_SECONDS [floor]
 * With `floor`, bare `Deno.connect` + close loops replace the monitors: the cost of the socket
 * work alone, to compare the monitors' figure with.
 */
import { HealthMonitor } from "../../../src/checks/health_monitor.ts";
import { systemClock } from "../../../src/clock.ts";
import { statFields } from "../../../src/process/proc_stat.ts";
import { makeSpec } from "../../helpers/specs.ts";

const [port = "0", count = "500", window = "20", mode = "monitors"] = Deno.args;
const CLK_TCK = 100;

function cpuTicks(): number {
  const fields = statFields(Deno.readTextFileSync("/proc/self/stat"));
  // utime and stime are fields 14 and 15 of stat(5); statFields starts at field 3.
  return Number(fields[11]) + Number(fields[12]);
}

function fdCount(): number {
  let n = 0;
  for (const _ of Deno.readDirSync("/proc/self/fd")) n++;
  return n;
}

const spec = makeSpec({ name: "load" });
let unhealthy = 0;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let floorRunning = mode === "floor";
if (floorRunning) {
  for (let i = 0; i < Number(count); i++) {
    (async () => {
      await sleep((i * 1000) / Number(count));
      while (floorRunning) {
        const conn = await Deno.connect({ hostname: "127.0.0.1", port: Number(port) });
        conn.close();
        await sleep(1000);
      }
    })();
  }
}
const monitors = Array.from(
  { length: floorRunning ? 0 : Number(count) },
  (_, i) =>
    new HealthMonitor({
      spec: {
        check: { kind: "tcp", host: "127.0.0.1", port },
        period: 1,
        // 2 s, not 1: the listener lives in the test process, and on a CPU-starved box its
        // accept queue overflows while it waits for a turn; the connects that then wait
        // for a SYN retry are the box's, not the checker's. The CPU figure does not change.
        timeout: 2,
        failures: 3,
        // Spread over one period, as a start burst would.
        initialdelay: i / Number(count),
        action: "none",
      },
      exec: { spec, processName: `load:${i}`, index: i, secretEnv: [] },
      clock: systemClock,
      onUnhealthy: () => unhealthy++,
      onHealthy: () => {},
    }),
);

await sleep(3000); // warm-up: JIT, first connections
const fds0 = fdCount();
const ticks0 = cpuTicks();
const t0 = performance.now();
const fdSamples: number[] = [];
const seconds = Number(window);
for (let s = 0; s < seconds; s++) {
  await sleep(1000);
  fdSamples.push(fdCount());
}
const ticks1 = cpuTicks();
const elapsed = (performance.now() - t0) / 1000;
const healthy = monitors.filter((m) => m.status().state === "healthy").length;
for (const m of monitors) m.stop();
floorRunning = false;
await sleep(200);
console.log(JSON.stringify({
  count: Number(count),
  window: elapsed,
  cpuPercent: ((ticks1 - ticks0) / CLK_TCK) / elapsed * 100,
  fdsStart: fds0,
  fdsMax: Math.max(...fdSamples),
  fdsEnd: fdSamples.at(-1),
  fdsAfterStop: fdCount(),
  healthy: floorRunning === false && mode === "floor" ? Number(count) : healthy,
  unhealthy,
  mode,
}));
