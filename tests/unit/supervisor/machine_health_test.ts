/** Machine cells of health restarts (docs/lifecycle.md "Health checks"). */
import assert from "node:assert/strict";
import { type Effect, type MachineEvent, TABLE } from "../../../src/supervisor/machine.ts";
import { ALL_STATES, type ProcRecord } from "../../../src/supervisor/states.ts";
import type { ProgramSpec } from "../../../src/config/types.ts";
import { makeSpec } from "../../helpers/specs.ts";
import { rec, run as runAt } from "./machine_helpers.ts";

const run = (r: ProcRecord, e: MachineEvent, spec: ProgramSpec = makeSpec()) =>
  runAt(r, e, spec, 100_000);
const fields = (effects: readonly Effect[], event: string) => {
  const e = effects.find((x) => x.type === "EMIT" && x.event === event);
  return e?.type === "EMIT" ? e.fields : undefined;
};
const UNHEALTHY: MachineEvent = { type: "UNHEALTHY", gen: 3 };
const exit0: MachineEvent = { type: "EXITED", gen: 3, code: 0, signal: null };

Deno.test("TABLE has an UNHEALTHY cell in every state", () => {
  for (const s of ALL_STATES) assert.equal(typeof TABLE[s].UNHEALTHY, "function");
});

Deno.test("RUNNING + UNHEALTHY -> STOPPING (`stopping reason=unhealthy`), still wanted up", () => {
  const t = run(rec("RUNNING", { runningSince: 0 }), UNHEALTHY);
  assert.equal(t.record.state, "STOPPING");
  assert.equal(t.record.healthRestart, true);
  assert.equal(t.record.wanted, "up");
  assert.deepEqual(fields(t.effects, "stopping"), {
    pid: 100,
    signal: "SIGTERM",
    by: "daemon",
    reason: "unhealthy",
  });
});

Deno.test("STOPPING (health) + EXITED -> STARTING whatever autorestart, exit unexpected", () => {
  for (const autorestart of ["never", "unexpected", "always"] as const) {
    const spec = makeSpec({ autorestart });
    const t = run(rec("STOPPING", { healthRestart: true, runningSince: 0 }), exit0, spec);
    assert.equal(t.record.state, "STARTING", autorestart);
    assert.equal(t.record.restarts, 1);
    assert.equal(t.record.healthRestart, false);
    assert.equal(fields(t.effects, "exited")?.expected, false);
  }
});

Deno.test("STOPPING (health) + EXITED counts for the crash-loop throttle", () => {
  const t = run(
    rec("STOPPING", { healthRestart: true, runningSince: 99_000, quickCrashes: 1 }),
    exit0,
  );
  assert.equal(t.record.state, "BACKOFF");
  assert.match(t.record.description, /^crash loop: restart in 1s$/);
});

Deno.test("STOPPING (health) + STOP makes it a plain stop (STOPPED on exit)", () => {
  const t = run(rec("STOPPING", { healthRestart: true }), { type: "STOP", by: "operator" });
  assert.equal(t.record.healthRestart, false);
  assert.equal(t.record.wanted, "down");
  assert.equal(run(t.record, exit0).record.state, "STOPPED");
});

Deno.test("UNHEALTHY outside RUNNING (or of another spawn) changes nothing", () => {
  for (
    const s of ["STOPPED", "WAITING", "STARTING", "BACKOFF", "STOPPING", "EXITED", "FATAL"] as const
  ) {
    const t = run(rec(s), UNHEALTHY);
    assert.deepEqual(t.record, rec(s), s);
    assert.deepEqual(t.effects, []);
  }
  assert.ok(run(rec("RUNNING"), { type: "UNHEALTHY", gen: 2 }).dropped);
});
