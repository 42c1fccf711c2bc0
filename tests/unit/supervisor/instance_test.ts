import assert from "node:assert/strict";
import type { AutoRestart } from "../../../src/config/types.ts";
import type { ProcRecord } from "../../../src/supervisor/states.ts";
import { FAKE_WALL_START } from "../../helpers/fake_clock.ts";
import { FakeOutput } from "../../helpers/fake_output.ts";
import { dieOnSignal, type FakeChild } from "../../helpers/fake_spawner.ts";
import { instanceRig } from "./fake_rig.ts";

const exitWith = (code: number) => (child: FakeChild) => child.exit(code);

Deno.test("Instance: START spawns at once (STARTING), RUNNING exactly after starttime", async () => {
  const r = instanceRig({ starttime: 2 });
  r.instance.dispatch({ type: "START" });
  assert.equal(r.instance.record.state, "STARTING");
  assert.equal(r.spawner.requests.length, 1);
  const request = r.spawner.requests[0];
  assert.equal(request?.processName, "web");
  assert.equal(request?.index, 0);
  assert.equal(request?.stdout, "null");
  assert.equal(r.instance.pid, r.spawner.last.pid);
  await r.clock.tick(1999);
  assert.equal(r.instance.record.state, "STARTING");
  await r.clock.tick(1);
  assert.equal(r.instance.record.state, "RUNNING");
  assert.equal(r.instance.record.since, r.t0 + 2000);
  assert.deepStrictEqual(r.hub.recent().map((e) => e.event), ["spawned", "running"]);
  assert.equal(r.clock.pending, 0, "RUNNING arms no timer");
  assert.equal(r.output.attached, 1);
});

Deno.test("Instance: exits before starttime go BACKOFF 1 s, 2 s, 3 s, then FATAL with the reason", async () => {
  const r = instanceRig({ starttime: 1, startretries: 3 }, { onSpawn: exitWith(7) });
  r.instance.dispatch({ type: "START" });
  await r.clock.flush();
  assert.equal(r.instance.record.state, "BACKOFF");
  assert.equal(r.instance.record.nextDelay, 1000);
  assert.equal(r.instance.record.description, "exit status 7; retry 1/3 in 1s");
  assert.equal(r.instance.pid, null);
  await r.clock.runAll();
  assert.deepStrictEqual(r.spawner.children.map((c) => (c.spawnedAt ?? 0) - r.t0), [
    0,
    1000,
    3000,
    6000,
  ]);
  assert.deepStrictEqual(r.events("backoff").map((e) => e.fields.delay), [1, 2, 3]);
  assert.equal(r.instance.record.state, "FATAL");
  assert.equal(r.instance.record.description, "exit status 7");
  assert.equal(r.instance.status().exitCode, 7);
  assert.equal(r.events("fatal").length, 1);
  assert.equal(r.elapsed(), 6000, "FATAL right after the last attempt's exit");
});

Deno.test("Instance: a spawn error ends FATAL with the OS text; retries follow the backoff", async () => {
  const once = instanceRig({ startretries: 0 });
  once.spawner.failNext("No such file or directory (os error 2)");
  once.instance.dispatch({ type: "START" });
  assert.equal(once.instance.record.state, "FATAL");
  assert.equal(
    once.instance.record.description,
    "spawn error: No such file or directory (os error 2)",
  );
  assert.equal(once.instance.record.lastError, once.instance.record.description);
  assert.equal(once.spawner.children.length, 0);
  assert.equal(once.events("spawned").length, 0);

  const twice = instanceRig({ startretries: 1 });
  twice.spawner.failNext("denied");
  twice.spawner.failNext("denied");
  twice.instance.dispatch({ type: "START" });
  assert.equal(twice.instance.record.state, "BACKOFF");
  await twice.clock.tick(999);
  assert.equal(twice.spawner.requests.length, 1);
  await twice.clock.tick(1);
  assert.equal(twice.spawner.requests.length, 2);
  assert.equal(twice.instance.record.state, "FATAL");
  assert.equal(twice.instance.record.description, "spawn error: denied");
});

Deno.test("Instance: stop sends stopsignal then SIGCONT to the group, SIGKILL after stoptime", async () => {
  const r = instanceRig({ starttime: 0, stoptime: 10 });
  r.instance.dispatch({ type: "START" });
  const pid = r.spawner.last.pid;
  assert.equal(r.instance.record.state, "RUNNING");
  r.instance.dispatch({ type: "STOP", by: "operator" });
  assert.equal(r.instance.record.state, "STOPPING");
  assert.deepStrictEqual(r.spawner.signalsTo(pid), ["SIGTERM", "SIGCONT"]);
  assert.deepStrictEqual(r.events("stopping")[0]?.fields, {
    pid,
    signal: "SIGTERM",
    by: "operator",
  });
  await r.clock.tick(9999);
  assert.deepStrictEqual(r.spawner.signalsTo(pid), ["SIGTERM", "SIGCONT"]);
  await r.clock.tick(1);
  // The fake child dies of the SIGKILL; the exit watcher finds the group gone ("!").
  assert.deepStrictEqual(r.spawner.signalsTo(pid), ["SIGTERM", "SIGCONT", "SIGKILL", "SIGTERM!"]);
  assert.equal(r.events("killed").length, 1);
  assert.equal(r.instance.record.state, "STOPPED");
  assert.equal(r.instance.status().signal, "SIGKILL");
  assert.equal(r.elapsed(), 10_000);
  assert.equal(r.clock.pending, 0);
});

Deno.test("Instance: a child that obeys stopsignal stops at once; SIGKILL as stopsignal has no SIGCONT", async () => {
  const r = instanceRig({ starttime: 0, stopsignal: "SIGUSR1" }, { onSignal: dieOnSignal });
  r.instance.dispatch({ type: "START" });
  const first = r.spawner.last.pid;
  r.instance.dispatch({ type: "STOP", by: "operator" });
  await r.clock.flush();
  assert.equal(r.instance.record.state, "STOPPED");
  assert.equal(r.instance.status().signal, "SIGUSR1");
  assert.deepStrictEqual(r.spawner.signalsTo(first), ["SIGUSR1", "SIGCONT", "SIGUSR1!"]);
  assert.equal(r.elapsed(), 0);
  assert.equal(r.clock.pending, 0, "the stoptime timer was cleared");

  r.instance.spec = { ...r.instance.spec, stopsignal: "SIGKILL" };
  r.instance.dispatch({ type: "START" });
  const second = r.spawner.last.pid;
  r.instance.dispatch({ type: "STOP", by: "operator" });
  await r.clock.flush();
  assert.deepStrictEqual(r.spawner.signalsTo(second), ["SIGKILL", "SIGKILL!"]);
  assert.equal(r.instance.record.state, "STOPPED");
});

Deno.test("Instance: process and timer events of an earlier generation are dropped", async () => {
  const r = instanceRig({ starttime: 1, autorestart: "always" });
  r.instance.dispatch({ type: "START" });
  await r.clock.tick(1000);
  r.spawner.last.exit(0);
  await r.clock.flush();
  const record = r.instance.record;
  assert.equal(record.generation, 2);
  assert.equal(record.state, "STARTING");
  const changes: ProcRecord[] = [];
  r.instance.onChange((rec) => changes.push(rec));
  const spawnsBefore = r.spawner.requests.length;
  const signalsBefore = r.spawner.signals.length;
  r.instance.dispatch({ type: "EXITED", gen: 1, code: 1, signal: null });
  r.instance.dispatch({ type: "TIMEOUT", gen: 1 });
  r.instance.dispatch({ type: "SPAWN_FAILED", gen: 1, error: "late" });
  assert.equal(r.instance.record, record, "the very same record");
  assert.deepStrictEqual(changes, []);
  assert.equal(r.spawner.requests.length, spawnsBefore);
  assert.equal(r.spawner.signals.length, signalsBefore);
  // The current generation's timer still works.
  await r.clock.tick(1000);
  assert.equal(r.instance.record.state, "RUNNING");
});

const AUTORESTART_ROWS: {
  autorestart: AutoRestart;
  exitcodes: number[];
  exit: (c: FakeChild) => void;
  state: string;
  expected: boolean;
  description?: string;
}[] = [
  { autorestart: "never", exitcodes: [0], exit: exitWith(3), state: "EXITED", expected: false },
  {
    autorestart: "unexpected",
    exitcodes: [0, 2],
    exit: exitWith(2),
    state: "EXITED",
    expected: true,
    description: "exit status 2 (expected)",
  },
  {
    autorestart: "unexpected",
    exitcodes: [0, 2],
    exit: exitWith(3),
    state: "STARTING",
    expected: false,
  },
  {
    autorestart: "unexpected",
    exitcodes: [0, 11],
    exit: (c) => c.killBy("SIGSEGV"),
    state: "STARTING",
    expected: false,
  },
  { autorestart: "always", exitcodes: [0], exit: exitWith(0), state: "STARTING", expected: true },
  {
    autorestart: "never",
    exitcodes: [0],
    exit: (c) => c.killBy("SIGSEGV"),
    state: "EXITED",
    expected: false,
    description: "killed by SIGSEGV (unexpected)",
  },
];

Deno.test("Instance: autorestart never/unexpected/always against exitcodes", async () => {
  for (const row of AUTORESTART_ROWS) {
    const label = JSON.stringify({ ...row, exit: undefined });
    const r = instanceRig({ starttime: 1, autorestart: row.autorestart, exitcodes: row.exitcodes });
    r.instance.dispatch({ type: "START" });
    await r.clock.tick(1000);
    assert.equal(r.instance.record.state, "RUNNING", label);
    row.exit(r.spawner.last);
    await r.clock.flush();
    assert.equal(r.instance.record.state, row.state, label);
    const restarted = row.state === "STARTING";
    assert.equal(r.spawner.children.length, restarted ? 2 : 1, label);
    assert.equal(r.instance.record.restarts, restarted ? 1 : 0, label);
    if (row.description !== undefined) {
      assert.equal(r.instance.record.description, row.description, label);
    }
    assert.equal(r.events("exited")[0]?.fields.expected, row.expected, label);
  }
});

Deno.test("Instance: an exit while stopping is never restarted, whatever autorestart says", async () => {
  const r = instanceRig({ starttime: 0, autorestart: "always" }, { onSignal: dieOnSignal });
  r.instance.dispatch({ type: "START" });
  r.instance.dispatch({ type: "STOP", by: "operator" });
  await r.clock.runAll();
  assert.equal(r.instance.record.state, "STOPPED");
  assert.equal(r.spawner.children.length, 1);
});

Deno.test("Instance: crash-loop throttle: immediate, then 1 s, 2 s, 4 s… capped; 60 s up resets it", async () => {
  const r = instanceRig({ starttime: 0, autorestart: "always", maxrestartdelay: 8 }, {
    onSpawn: exitWith(1),
  });
  r.instance.dispatch({ type: "START" });
  await r.clock.tick(31_000);
  assert.deepStrictEqual(r.spawner.children.map((c) => (c.spawnedAt ?? 0) - r.t0), [
    0,
    0,
    1000,
    3000,
    7000,
    15_000,
    23_000,
    31_000,
  ]);
  assert.deepStrictEqual(r.events("backoff").map((e) => e.fields.delay), [1, 2, 4, 8, 8, 8, 8]);
  assert.equal(r.instance.record.state, "BACKOFF");
  assert.equal(r.instance.record.description, "crash loop: restart in 8s");
  assert.equal(r.instance.record.restarts, 7);
  assert.equal(r.events("fatal").length, 0, "a crash loop is never FATAL");

  // The next child stays up 60 s: its exit restarts at once, and the count starts over.
  r.spawner.onSpawn = null;
  await r.clock.tick(8000);
  const steady = r.spawner.last;
  await r.clock.tick(60_000);
  r.spawner.onSpawn = exitWith(1);
  steady.exit(1);
  await r.clock.flush();
  const exitAt = r.clock.now();
  await r.clock.tick(1000);
  const after = r.spawner.children.slice(-2).map((c) => (c.spawnedAt ?? 0) - exitAt);
  assert.deepStrictEqual(after, [0, 1000], "immediate, then 1 s again (not 8 s)");
});

Deno.test("Instance: maxrestartdelay 0 restarts a crash loop immediately every time", async () => {
  const r = instanceRig({ starttime: 0, autorestart: "always", maxrestartdelay: 0 });
  r.instance.dispatch({ type: "START" });
  for (let i = 0; i < 5; i++) {
    r.spawner.last.exit(1);
    await r.clock.flush();
  }
  assert.equal(r.spawner.children.length, 6);
  assert.equal(r.events("backoff").length, 0);
  assert.equal(r.elapsed(), 0);
});

Deno.test("Instance: stop in BACKOFF is immediate: no signal, no timer left", async () => {
  const r = instanceRig({ starttime: 0, autorestart: "always" }, { onSpawn: exitWith(1) });
  r.instance.dispatch({ type: "START" });
  await r.clock.flush();
  assert.equal(r.instance.record.state, "BACKOFF");
  const signals = r.spawner.signals.length;
  r.instance.dispatch({ type: "STOP", by: "operator" });
  assert.equal(r.instance.record.state, "STOPPED");
  assert.equal(r.spawner.signals.length, signals);
  assert.equal(r.clock.pending, 0);
  assert.equal(r.elapsed(), 0);
});

Deno.test("Instance: group leftovers after the main exit get stopsignal, then SIGKILL after stoptime", async () => {
  const r = instanceRig({ starttime: 0, stoptime: 2, autorestart: "never" });
  r.instance.dispatch({ type: "START" });
  const child = r.spawner.last;
  child.leftovers = true;
  child.exit(0);
  await r.clock.flush();
  assert.deepStrictEqual(r.spawner.signalsTo(child.pid), ["SIGTERM", "SIGCONT"]);
  assert.equal(r.instance.record.state, "RUNNING", "the exit is published after the cleanup");
  assert.equal(r.instance.childPid, child.pid);
  await r.clock.tick(1999);
  assert.equal(r.instance.record.state, "RUNNING");
  await r.clock.tick(1);
  assert.deepStrictEqual(r.spawner.signalsTo(child.pid), ["SIGTERM", "SIGCONT", "SIGKILL"]);
  assert.deepStrictEqual(r.events("killed")[0]?.fields, {
    pid: child.pid,
    reason: "process group leftovers",
  });
  assert.equal(r.instance.record.state, "EXITED");
  assert.equal(r.instance.status().exitCode, 0);
  assert.equal(r.instance.childPid, null);
  assert.equal(r.elapsed(), 2000);
});

Deno.test("Instance: leftovers that obey stopsignal end the exit at once", async () => {
  const r = instanceRig({ starttime: 0, stoptime: 2, autorestart: "never" }, {
    onSignal: dieOnSignal,
  });
  r.instance.dispatch({ type: "START" });
  const child = r.spawner.last;
  child.leftovers = true;
  child.exit(0);
  await r.clock.flush();
  assert.equal(r.instance.record.state, "EXITED");
  assert.equal(r.events("killed").length, 0);
  assert.equal(r.elapsed(), 0);
});

Deno.test("Instance: output that never reaches EOF is detached 1 s after the exit", async () => {
  const output = new FakeOutput({ drainAtOnce: false });
  const r = instanceRig({ starttime: 0, autorestart: "never" }, { output });
  r.instance.dispatch({ type: "START" });
  r.spawner.last.exit(0);
  await r.clock.tick(999);
  assert.equal(r.instance.record.state, "RUNNING");
  assert.equal(output.detached, 0);
  await r.clock.tick(1);
  assert.equal(output.detached, 1);
  assert.equal(r.instance.record.state, "EXITED");

  r.instance.dispatch({ type: "START" });
  r.spawner.last.exit(0);
  await r.clock.tick(300);
  output.drain();
  await r.clock.flush();
  assert.equal(r.instance.record.state, "EXITED");
  assert.equal(output.detached, 1, "drained in time: not detached");
  assert.equal(r.clock.pending, 0, "the grace timer was cancelled");
});

Deno.test("Instance: status() reports since on the wall clock; signal() needs a live child", async () => {
  const r = instanceRig({ starttime: 0 });
  assert.equal(r.instance.signal("SIGHUP"), false);
  await r.clock.tick(5000);
  r.instance.dispatch({ type: "START" });
  const st = r.instance.status();
  assert.equal(st.state, "RUNNING");
  assert.equal(st.since, new Date(FAKE_WALL_START + 5000).toISOString());
  assert.equal(r.instance.signal("SIGHUP"), true);
  assert.deepStrictEqual(r.spawner.signalsTo(r.spawner.last.pid), ["SIGHUP"]);
});

Deno.test("Instance: the exit is published even when probing the group's leftovers throws", async () => {
  const r = instanceRig({ starttime: 1, autorestart: "never" });
  r.instance.dispatch({ type: "START" });
  await r.clock.tick(1000);
  assert.equal(r.instance.record.state, "RUNNING");
  // As /proc/PID/stat did in CI (ESRCH on a pid reaped mid-read) before it was classified.
  r.spawner.groupAliveOverride = () => {
    throw new Error("No such process (os error 3): readfile '/proc/7291/stat'");
  };
  const quiet = console.error;
  const said: string[] = [];
  console.error = (...parts: unknown[]) => void said.push(parts.join(" "));
  try {
    r.spawner.last.exit(0);
    await r.clock.flush();
  } finally {
    console.error = quiet;
  }
  assert.equal(r.instance.record.state, "EXITED");
  assert.equal(r.instance.pid, null);
  assert.equal(r.events("exited").length, 1);
  assert.ok(said.some((line) => line.includes("after exit of pid")), said.join("\n"));
});
