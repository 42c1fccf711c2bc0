/**
 * Cells of the machine for start order and readiness (docs/lifecycle.md "WAITING" and
 * "Ready checks"): START with unmet dependencies, DEPS_MET, DEP_FAILED, READY, READY_TIMEOUT.
 */
import assert from "node:assert/strict";
import {
  type Effect,
  IllegalTransition,
  type MachineEvent,
  TABLE,
} from "../../../src/supervisor/machine.ts";
import { ALL_STATES } from "../../../src/supervisor/states.ts";
import type { ReadySpec } from "../../../src/config/types.ts";
import { makeSpec } from "../../helpers/specs.ts";
import { rec, run, types } from "./machine_helpers.ts";

function emitted(effects: readonly Effect[], event: string): unknown {
  const e = effects.find((x) => x.type === "EMIT" && x.event === event);
  if (e?.type !== "EMIT") throw new Error(`no ${event} in ${JSON.stringify(effects)}`);
  return { level: e.level, ...e.fields };
}

const READY: ReadySpec = {
  check: { kind: "tcp", host: "127.0.0.1", port: "5432" },
  period: 1,
  timeout: 1,
  initialdelay: 0,
  deadline: 60,
};
const withReady = makeSpec({ ready: READY, starttime: 2 });
const WAIT: MachineEvent = { type: "START", waitingOn: ["db (ready)", "migrate (completed)"] };
const DEPS_MET: MachineEvent = { type: "DEPS_MET" };
const DEP_FAILED: MachineEvent = {
  type: "DEP_FAILED",
  dependency: "migrate",
  reason: "exited with status 3",
};
const ready = (gen = 3): MachineEvent => ({ type: "READY", gen, check: "tcp", after: 1.2 });
const readyTimeout = (gen = 3): MachineEvent => ({
  type: "READY_TIMEOUT",
  gen,
  check: "tcp",
  deadline: 60,
  last: "connect ECONNREFUSED 127.0.0.1:5432",
});

Deno.test("TABLE has a handler for every state × new event", () => {
  for (const state of ALL_STATES) {
    for (const type of ["DEPS_MET", "DEP_FAILED", "READY", "READY_TIMEOUT"] as const) {
      assert.equal(typeof TABLE[state][type], "function", state + type);
    }
  }
  assert.ok(ALL_STATES.includes("WAITING"));
});

for (const state of ["STOPPED", "EXITED", "FATAL", "BACKOFF"] as const) {
  Deno.test(`${state} + START with unmet dependencies -> WAITING, event waiting`, () => {
    const t = run(rec(state), WAIT);
    assert.equal(t.record.state, "WAITING");
    assert.equal(t.record.wanted, "up");
    assert.equal(t.record.generation, 3, "nothing spawned");
    assert.deepEqual(t.record.waitingOn, ["db (ready)", "migrate (completed)"]);
    assert.equal(t.record.description, "waiting for db (ready), migrate (completed)");
    assert.deepEqual(types(t.effects), ["DISARM", "EMIT:waiting"]);
    assert.deepEqual(emitted(t.effects, "waiting"), {
      level: "INFO",
      on: "db (ready),migrate (completed)",
    });
  });
  Deno.test(`${state} + START with an empty waiting list spawns as before`, () => {
    const t = run(rec(state), { type: "START", waitingOn: [] });
    assert.equal(t.record.state, "STARTING");
    assert.equal(t.record.generation, 4);
  });
}

for (
  const state of [
    "STOPPED",
    "EXITED",
    "FATAL",
    "STARTING",
    "RUNNING",
    "BACKOFF",
    "STOPPING",
  ] as const
) {
  Deno.test(`${state} + DEPS_MET / DEP_FAILED is ignored (only WAITING cares)`, () => {
    for (const e of [DEPS_MET, DEP_FAILED]) {
      const t = run(rec(state), e);
      assert.deepEqual(t.record, rec(state));
      assert.deepEqual(t.effects, []);
    }
  });
}

Deno.test("START with a held dependency uses the given description", () => {
  const t = run(rec("STOPPED"), {
    type: "START",
    waitingOn: ["db (started)"],
    waitReason: "db is held stopped",
  });
  assert.equal(t.record.description, "db is held stopped");
});

Deno.test("WAITING + START -> WAITING with the list updated, no new event", () => {
  const r = rec("WAITING", { waitingOn: ["a (started)", "b (started)"] });
  const t = run(r, { type: "START", waitingOn: ["b (started)"] });
  assert.equal(t.record.state, "WAITING");
  assert.deepEqual(t.record.waitingOn, ["b (started)"]);
  assert.equal(t.record.description, "waiting for b (started)");
  assert.deepEqual(t.effects, []);
});

Deno.test("WAITING + START with nothing left -> STARTING", () => {
  const t = run(rec("WAITING", { waitingOn: ["a (started)"] }), { type: "START" });
  assert.equal(t.record.state, "STARTING");
  assert.deepEqual(t.record.waitingOn, []);
});

Deno.test("WAITING + DEPS_MET -> STARTING, counters reset, spawn", () => {
  const t = run(rec("WAITING", { waitingOn: ["db (ready)"], retries: 2, restarts: 5 }), DEPS_MET);
  assert.equal(t.record.state, "STARTING");
  assert.equal(t.record.generation, 4);
  assert.deepEqual([t.record.retries, t.record.restarts], [0, 0]);
  assert.deepEqual(t.record.waitingOn, []);
  assert.equal(t.record.description, "");
  assert.deepEqual(t.effects, [{ type: "DISARM" }, { type: "SPAWN", gen: 4 }]);
});

Deno.test("WAITING + STOP -> STOPPED at once", () => {
  const t = run(rec("WAITING", { waitingOn: ["db (ready)"] }), { type: "STOP", by: "operator" });
  assert.equal(t.record.state, "STOPPED");
  assert.equal(t.record.wanted, "down");
  assert.deepEqual(t.record.waitingOn, []);
  assert.deepEqual(types(t.effects), ["DISARM", "EMIT:stopped"]);
});

Deno.test("WAITING + DEP_FAILED -> FATAL with the reason, event dependency-failed", () => {
  const t = run(rec("WAITING", { waitingOn: ["migrate (completed)"] }), DEP_FAILED);
  assert.equal(t.record.state, "FATAL");
  assert.equal(t.record.description, "dependency migrate exited with status 3");
  assert.deepEqual(t.record.waitingOn, []);
  assert.deepEqual(emitted(t.effects, "dependency-failed"), {
    level: "ERROR",
    dependency: "migrate",
    reason: "exited with status 3",
  });
});

Deno.test("WAITING + SPAWNED / SPAWN_FAILED illegal; EXITED / TIMEOUT / READY* ignored", () => {
  const r = rec("WAITING", { waitingOn: ["x (started)"] });
  assert.throws(() => run(r, { type: "SPAWNED", gen: 3, pid: 1 }), IllegalTransition);
  assert.throws(() => run(r, { type: "SPAWN_FAILED", gen: 3, error: "e" }), IllegalTransition);
  for (
    const e of [
      { type: "EXITED", gen: 3, code: 0, signal: null },
      { type: "TIMEOUT", gen: 3 },
      ready(),
      readyTimeout(),
    ] as MachineEvent[]
  ) {
    const t = run(r, e);
    assert.deepEqual(t.record, r, e.type);
    assert.deepEqual(t.effects, []);
  }
});

Deno.test("STARTING/RUNNING + START with a waiting list: already started, never waits", () => {
  for (const state of ["STARTING", "RUNNING"] as const) {
    const t = run(rec(state), WAIT);
    assert.equal(t.record.state, state);
  }
});

Deno.test("spawn with a ready check: ready false; SPAWNED arms starttime", () => {
  const t = run(rec("STOPPED"), { type: "START" }, withReady);
  assert.equal(t.record.ready, false);
  assert.equal(run(rec("STOPPED"), { type: "START" }).record.ready, null);
  const s = run(t.record, { type: "SPAWNED", gen: 4, pid: 9 }, withReady);
  assert.deepEqual(types(s.effects), ["EMIT:spawned", "ARM:2000"]);
});

Deno.test("STARTING + TIMEOUT before ready -> STARTING (starttime done, still checking)", () => {
  const t = run(rec("STARTING", { ready: false }), { type: "TIMEOUT", gen: 3 }, withReady);
  assert.equal(t.record.state, "STARTING");
  assert.equal(t.record.starttimeDone, true);
  assert.deepEqual(t.effects, []);
});

Deno.test("STARTING + READY before starttime -> STARTING; TIMEOUT then -> RUNNING", () => {
  const t = run(rec("STARTING", { ready: false }), ready(), withReady);
  assert.equal(t.record.state, "STARTING");
  assert.equal(t.record.ready, true);
  assert.deepEqual(emitted(t.effects, "ready"), { level: "INFO", check: "tcp", after: 1.2 });
  const r = run(t.record, { type: "TIMEOUT", gen: 3 }, withReady);
  assert.equal(r.record.state, "RUNNING");
  assert.deepEqual(types(r.effects), ["EMIT:running"]);
});

Deno.test("STARTING + READY after starttime -> RUNNING, `running` after `ready`", () => {
  const t = run(rec("STARTING", { ready: false, starttimeDone: true }), ready(), withReady);
  assert.equal(t.record.state, "RUNNING");
  assert.equal(t.record.retries, 0);
  assert.deepEqual(types(t.effects), ["EMIT:ready", "EMIT:running"]);
});

Deno.test("STARTING + SPAWNED with starttime 0 and a ready check stays STARTING", () => {
  const spec = makeSpec({ ready: READY, starttime: 0 });
  const t = run(
    rec("STARTING", { ready: false, pid: null }),
    { type: "SPAWNED", gen: 3, pid: 5 },
    spec,
  );
  assert.equal(t.record.state, "STARTING");
  assert.equal(t.record.starttimeDone, true);
  assert.equal(run(t.record, ready(), spec).record.state, "RUNNING");
});

Deno.test("STARTING + READY_TIMEOUT -> STOPPING (stopsignal, stoptime), event ready-timeout", () => {
  const t = run(rec("STARTING", { ready: false }), readyTimeout(), withReady);
  assert.equal(t.record.state, "STOPPING");
  assert.equal(t.record.wanted, "up", "a failed start, not an operator stop");
  assert.equal(t.record.failReason, "not ready after 60s");
  assert.deepEqual(types(t.effects), [
    "EMIT:ready-timeout",
    "EMIT:stopping",
    "KILL:SIGTERM",
    "ARM:10000",
  ]);
  assert.deepEqual(emitted(t.effects, "ready-timeout"), {
    level: "WARN",
    check: "tcp",
    deadline: 60,
    last: "connect ECONNREFUSED 127.0.0.1:5432",
  });
  assert.deepEqual(emitted(t.effects, "stopping"), {
    level: "INFO",
    pid: 100,
    signal: "SIGTERM",
    by: "daemon",
    reason: "ready-timeout",
  });
});

Deno.test("STOPPING after a ready timeout + EXITED -> BACKOFF, then FATAL after retries", () => {
  const stopping = rec("STOPPING", { failReason: "not ready after 60s", retries: 0 });
  const exit: MachineEvent = { type: "EXITED", gen: 3, code: null, signal: "SIGTERM" };
  const t = run(stopping, exit, withReady);
  assert.equal(t.record.state, "BACKOFF");
  assert.equal(t.record.failReason, null);
  assert.match(t.record.description, /^not ready after 60s; retry 1\/3 in 1s$/);
  const f = run({ ...stopping, retries: 3 }, exit, withReady);
  assert.equal(f.record.state, "FATAL");
  assert.equal(f.record.description, "not ready after 60s");
});

Deno.test("STOPPING after a ready timeout + STOP -> a plain stop (STOPPED on exit)", () => {
  const stopping = rec("STOPPING", { failReason: "not ready after 60s" });
  const t = run(stopping, { type: "STOP", by: "operator" }, withReady);
  assert.equal(t.record.failReason, null);
  assert.equal(t.record.wanted, "down");
  const e = run(t.record, { type: "EXITED", gen: 3, code: 0, signal: null }, withReady);
  assert.equal(e.record.state, "STOPPED");
});

Deno.test("READY / READY_TIMEOUT outside STARTING, or of another spawn, change nothing", () => {
  for (const state of ["STOPPED", "EXITED", "FATAL", "RUNNING", "BACKOFF", "STOPPING"] as const) {
    for (const e of [ready(), readyTimeout()]) {
      const t = run(rec(state), e, withReady);
      assert.deepEqual(t.record, rec(state), `${state} ${e.type}`);
      assert.deepEqual(t.effects, []);
    }
  }
  const stale = run(rec("STARTING", { ready: false }), ready(2), withReady);
  assert.ok(stale.dropped);
});
