import assert from "node:assert/strict";
import {
  restartOne,
  startDeadlineMs,
  startOne,
  stopDeadlineMs,
  stopOne,
} from "../../../src/supervisor/actions.ts";
import { dieOnSignal, type FakeChild } from "../../helpers/fake_spawner.ts";
import { instanceRig } from "./fake_rig.ts";

const exitWith = (code: number) => (child: FakeChild) => child.exit(code);
const ignoreEverything = () => {};

Deno.test("startOne: waits for RUNNING, answering exactly after starttime", async () => {
  const r = instanceRig({ starttime: 2 });
  const res = await r.clock.drive(startOne(r.instance, r.clock));
  assert.deepStrictEqual(res, { name: "web", ok: true, state: "RUNNING", message: "started" });
  assert.equal(r.elapsed(), 2000);
  assert.equal(r.clock.pending, 0, "the deadline timer was cleared");
});

Deno.test("startOne: already RUNNING answers at once and spawns nothing", async () => {
  const r = instanceRig({ starttime: 0 });
  r.instance.dispatch({ type: "START" });
  const res = await r.clock.drive(startOne(r.instance, r.clock));
  assert.equal(res.message, "already started");
  assert.equal(res.ok, true);
  assert.equal(r.spawner.children.length, 1);
});

Deno.test("startOne: exits before starttime fail with FATAL after 1 s + 2 s of backoff", async () => {
  const r = instanceRig({ starttime: 1, startretries: 2 }, { onSpawn: exitWith(7) });
  const res = await r.clock.drive(startOne(r.instance, r.clock));
  assert.equal(res.ok, false);
  assert.equal(res.state, "FATAL");
  assert.equal(res.message, "start failed: FATAL: exit status 7");
  assert.equal(r.spawner.children.length, 3);
  assert.deepStrictEqual(r.events("backoff").map((e) => e.fields.delay), [1, 2]);
  assert.equal(r.elapsed(), 3000, "the answer comes with the last failure, not at a deadline");
});

Deno.test("startOne: a spawn error fails at once with the OS text", async () => {
  const r = instanceRig({ startretries: 0 });
  r.spawner.failNext("No such file or directory (os error 2)");
  const res = await r.clock.drive(startOne(r.instance, r.clock));
  assert.equal(res.ok, false);
  assert.equal(
    res.message,
    "start failed: FATAL: spawn error: No such file or directory (os error 2)",
  );
  assert.equal(r.elapsed(), 0);
});

Deno.test("startOne: gives up at the start deadline when the outcome is late", async () => {
  // A reload raises starttime while the start is under way: the deadline stays the one of the
  // spec the start began with, so the answer comes before the new starttime ends.
  const r = instanceRig({ starttime: 1, startretries: 3 }, { onSpawn: exitWith(1) });
  const deadline = startDeadlineMs(r.instance.spec);
  const start = startOne(r.instance, r.clock);
  await r.clock.flush();
  assert.equal(r.instance.record.state, "BACKOFF");
  r.spawner.onSpawn = null;
  r.instance.spec = { ...r.instance.spec, starttime: 3600 };
  const res = await r.clock.drive(start);
  assert.equal(res.ok, false);
  assert.equal(res.message, "not running after the start deadline (STARTING)");
  assert.equal(r.elapsed(), deadline);
  await r.clock.runAll();
  assert.equal(r.instance.record.state, "RUNNING", "the instance still reaches its outcome");
});

Deno.test("stopOne: not running is success; a child obeying stopsignal stops at once", async () => {
  const r = instanceRig({ starttime: 0 }, { onSignal: dieOnSignal });
  const idle = await r.clock.drive(stopOne(r.instance, r.clock, "operator"));
  assert.deepStrictEqual(idle, { name: "web", ok: true, state: "STOPPED", message: "not running" });
  r.instance.dispatch({ type: "START" });
  const res = await r.clock.drive(stopOne(r.instance, r.clock, "operator"));
  assert.deepStrictEqual(res, { name: "web", ok: true, state: "STOPPED", message: "stopped" });
  assert.equal(r.elapsed(), 0);
  assert.equal(r.instance.status().signal, "SIGTERM");
});

Deno.test("stopOne: a TERM-ignoring child is SIGKILLed exactly at stoptime", async () => {
  const r = instanceRig({ starttime: 0, stoptime: 1 });
  r.instance.dispatch({ type: "START" });
  const res = await r.clock.drive(stopOne(r.instance, r.clock, "operator"));
  assert.equal(res.message, "stopped");
  assert.equal(r.elapsed(), 1000);
  assert.equal(r.events("killed").length, 1);
  assert.equal(r.instance.status().signal, "SIGKILL");
});

Deno.test("stopOne: a child that survives SIGKILL fails at the stop deadline, still STOPPING", async () => {
  const r = instanceRig({ starttime: 0, stoptime: 2 }, { onSignal: ignoreEverything });
  r.instance.dispatch({ type: "START" });
  const res = await r.clock.drive(stopOne(r.instance, r.clock, "operator"));
  assert.deepStrictEqual(res, {
    name: "web",
    ok: false,
    state: "STOPPING",
    message: "still stopping after the stop deadline",
  });
  assert.equal(r.elapsed(), stopDeadlineMs(r.instance.spec));
  r.spawner.last.killBy("SIGKILL");
  await r.clock.flush();
  assert.equal(r.instance.record.state, "STOPPED");
});

Deno.test("stopOne: in BACKOFF the stop is immediate and sends nothing", async () => {
  const r = instanceRig({ starttime: 0, autorestart: "always" }, { onSpawn: exitWith(1) });
  r.instance.dispatch({ type: "START" });
  await r.clock.flush();
  assert.equal(r.instance.record.state, "BACKOFF");
  const signals = r.spawner.signals.length;
  const res = await r.clock.drive(stopOne(r.instance, r.clock, "operator"));
  assert.equal(res.state, "STOPPED");
  assert.equal(res.message, "stopped");
  assert.equal(r.spawner.signals.length, signals);
  assert.equal(r.elapsed(), 0);
});

Deno.test("startOne: during STOPPING waits for the stop, then starts a new child", async () => {
  const r = instanceRig({ starttime: 1, stoptime: 3 });
  r.instance.dispatch({ type: "START" });
  await r.clock.tick(1000);
  const first = r.spawner.last.pid;
  r.instance.dispatch({ type: "STOP", by: "operator" });
  const res = await r.clock.drive(startOne(r.instance, r.clock));
  assert.equal(res.message, "started");
  assert.equal(r.elapsed(), 1000 + 3000 + 1000, "starttime, stoptime, then a new starttime");
  assert.notEqual(r.instance.pid, first);
  assert.equal(r.spawner.children.length, 2);
  assert.equal(r.instance.status().signal, "SIGKILL", "the first child was killed at stoptime");
});

Deno.test("restartOne: stops then starts, reporting the start", async () => {
  const r = instanceRig({ starttime: 1 }, { onSignal: dieOnSignal });
  r.instance.dispatch({ type: "START" });
  await r.clock.tick(1000);
  const first = r.spawner.last.pid;
  const t = r.clock.now();
  const res = await r.clock.drive(restartOne(r.instance, r.clock));
  assert.deepStrictEqual(res, { name: "web", ok: true, state: "RUNNING", message: "started" });
  assert.equal(r.clock.now() - t, 1000, "an immediate stop, then starttime");
  assert.notEqual(r.instance.pid, first);
  assert.deepStrictEqual(r.events("stopping").map((e) => e.fields.by), ["operator"]);
});

Deno.test("restartOne: a stop that fails is reported and nothing is started", async () => {
  const r = instanceRig({ starttime: 0, stoptime: 1 }, { onSignal: ignoreEverything });
  r.instance.dispatch({ type: "START" });
  const res = await r.clock.drive(restartOne(r.instance, r.clock));
  assert.equal(res.ok, false);
  assert.equal(res.message, "still stopping after the stop deadline");
  assert.equal(r.spawner.children.length, 1);
  r.spawner.last.killBy("SIGKILL");
  await r.clock.flush();
});
