import assert from "node:assert/strict";
import { config, spec, withRig } from "./harness.ts";

/**
 * 200 in the suite (keeps it fast); `TM_SPAWN_COUNT=500` for the docs/benchmarks.md measurement.
 */
const COUNT = Number(Deno.env.get("TM_SPAWN_COUNT") ?? "200");
/**
 * A deadline against hangs only (the suite runs on busy cores): speed is measured by
 * `deno task bench`; here the figure is printed and every child must reach RUNNING.
 */
const DEADLINE_MS = 120_000;

Deno.test(`spawn ${COUNT} sleep children until all RUNNING (starttime 0)`, async () => {
  const cfg = config([spec("many", ["sleep", "1000"], { numprocs: COUNT, stoptime: 5 })]);
  await withRig(cfg, async (r) => {
    const t0 = performance.now();
    r.sup.startAutostart();
    await r.waitEvent("running", undefined, COUNT, DEADLINE_MS).catch(() => null);
    const states = r.sup.status([]).filter((s) => s.state === "RUNNING").length;
    const ms = performance.now() - t0;
    console.log(`spawned ${COUNT} children to RUNNING in ${ms.toFixed(0)} ms`);
    assert.equal(states, COUNT);
  });
});
