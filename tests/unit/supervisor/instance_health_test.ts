/** The instance runs health checks per RUNNING period through the injected factory. */
import assert from "node:assert/strict";
import type { HealthSpec } from "../../../src/config/types.ts";
import type { HealthVerdict } from "../../../src/protocol/types.ts";
import type { HealthWatchOptions } from "../../../src/supervisor/health.ts";
import { dieOnSignal } from "../../helpers/fake_spawner.ts";
import { instanceRig } from "./fake_rig.ts";

const health = (action: "restart" | "none"): HealthSpec => ({
  check: { kind: "http", url: "http://127.0.0.1:1/", status: null, tlsverify: true },
  period: 10,
  timeout: 2,
  failures: 3,
  initialdelay: 0,
  action,
});

function fakeHealth() {
  const made: { options: HealthWatchOptions; stopped: boolean; status: HealthVerdict }[] = [];
  return {
    made,
    factory: (options: HealthWatchOptions) => {
      const w = {
        options,
        stopped: false,
        status: { state: "unknown", failures: 0, checkedAt: null, message: "" } as HealthVerdict,
      };
      made.push(w);
      return { status: () => w.status, stop: () => (w.stopped = true) };
    },
  };
}

Deno.test("health: a watch per RUNNING period; unhealthy restarts with action restart", async () => {
  const h = fakeHealth();
  const r = instanceRig({ health: health("restart"), starttime: 1, autorestart: "never" }, {
    healthWatch: h.factory,
    onSignal: dieOnSignal,
  });
  r.instance.dispatch({ type: "START" });
  assert.equal(h.made.length, 0, "no checks while STARTING");
  assert.deepEqual(r.instance.status().health, {
    state: "unknown",
    failures: 0,
    checkedAt: null,
    message: "",
    threshold: 3,
  });
  await r.clock.tick(1000);
  assert.equal(h.made.length, 1);
  h.made[0]!.options.onHealthy({ check: "http" });
  h.made[0]!.status = { state: "unhealthy", failures: 3, checkedAt: "x", message: "HTTP 503" };
  assert.equal(r.instance.status().health?.state, "unhealthy");
  h.made[0]!.options.onUnhealthy({ check: "http", failures: 3, last: "HTTP 503" });
  await r.clock.flush();
  assert.ok(h.made[0]!.stopped, "checks stop when leaving RUNNING");
  assert.equal(r.events("healthy")[0]!.fields.check, "http");
  assert.deepEqual(r.events("unhealthy")[0]!.fields, {
    check: "http",
    failures: 3,
    last: "HTTP 503",
  });
  assert.equal(r.events("unhealthy")[0]!.level, "WARN");
  assert.equal(r.events("stopping")[0]!.fields.reason, "unhealthy");
  assert.equal(r.instance.record.state, "STARTING", "started again although autorestart false");
  assert.equal(r.events("exited")[0]!.fields.expected, false);
  await r.clock.tick(1000);
  assert.equal(h.made.length, 2, "a new watch for the new RUNNING period");
});

Deno.test("health: action none only reports; no health means null and no watch", async () => {
  const h = fakeHealth();
  const r = instanceRig({ health: health("none"), starttime: 0 }, { healthWatch: h.factory });
  r.instance.dispatch({ type: "START" });
  await r.clock.flush();
  h.made[0]!.options.onUnhealthy({ check: "http", failures: 3, last: "HTTP 503" });
  await r.clock.flush();
  assert.equal(r.instance.record.state, "RUNNING");
  assert.equal(r.events("unhealthy").length, 1);
  const n = fakeHealth();
  const plain = instanceRig({ starttime: 0 }, { healthWatch: n.factory });
  plain.instance.dispatch({ type: "START" });
  assert.equal(n.made.length, 0);
  assert.equal(plain.instance.status().health, null);
});

Deno.test("health: a reload changing `health` restarts the checks in place", async () => {
  const h = fakeHealth();
  const r = instanceRig({ health: health("none"), starttime: 0 }, { healthWatch: h.factory });
  r.instance.dispatch({ type: "START" });
  await r.clock.flush();
  const pid = r.instance.pid;
  r.instance.spec = { ...r.instance.spec, health: { ...health("none"), period: 5 } };
  assert.equal(h.made.length, 2);
  assert.ok(h.made[0]!.stopped);
  assert.equal(h.made[1]!.options.health.period, 5);
  assert.equal(r.instance.pid, pid, "process untouched");
});
