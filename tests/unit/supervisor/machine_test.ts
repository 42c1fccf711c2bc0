import assert from "node:assert/strict";
import {
  type Effect,
  IllegalTransition,
  type MachineEvent,
  TABLE,
} from "../../../src/supervisor/machine.ts";
import { ALL_STATES } from "../../../src/supervisor/states.ts";
import type { ProgramSpec } from "../../../src/config/types.ts";
import { makeSpec } from "../../helpers/specs.ts";
import { rec, run, types } from "./machine_helpers.ts";

function fieldsOf(effect: Effect | undefined): unknown {
  if (effect?.type !== "EMIT") throw new Error(`not an EMIT: ${JSON.stringify(effect)}`);
  return effect.fields;
}

const START: MachineEvent = { type: "START" };
const STOP: MachineEvent = { type: "STOP", by: "operator" };
const spawned = (gen = 3, pid = 200): MachineEvent => ({ type: "SPAWNED", gen, pid });
const failed = (gen = 3): MachineEvent => ({ type: "SPAWN_FAILED", gen, error: "ENOENT text" });
const exited = (code: number | null, signal: string | null = null, gen = 3): MachineEvent => ({
  type: "EXITED",
  gen,
  code,
  signal,
});
const timeout = (gen = 3): MachineEvent => ({ type: "TIMEOUT", gen });

Deno.test("TABLE has a handler for every state × event", () => {
  for (const state of ALL_STATES) {
    for (const type of ["START", "STOP", "SPAWNED", "SPAWN_FAILED", "EXITED", "TIMEOUT"]) {
      assert.deepStrictEqual(
        typeof TABLE[state][type as MachineEvent["type"]],
        "function",
        state + type,
      );
    }
  }
});

Deno.test("transition() drops process and timer events with a stale generation", () => {
  for (const state of ALL_STATES) {
    for (const e of [spawned(2), failed(2), exited(1, null, 2), timeout(2)]) {
      const t = run(rec(state), e);
      assert(t.dropped, `${state} ${e.type}`);
      assert.deepStrictEqual(t.effects, []);
      assert.deepStrictEqual(t.record, rec(state));
    }
  }
});

for (const state of ["STOPPED", "EXITED", "FATAL"] as const) {
  Deno.test(`${state} + START -> STARTING, resets counters and spawns the next generation`, () => {
    const t = run(rec(state, { retries: 3, restarts: 7, quickCrashes: 4, lastError: "x" }), START);
    assert.deepStrictEqual(t.record.state, "STARTING");
    assert.deepStrictEqual(t.record.generation, 4);
    assert.deepStrictEqual(t.record.wanted, "up");
    assert.deepStrictEqual([t.record.retries, t.record.restarts, t.record.quickCrashes], [0, 0, 0]);
    assert.deepStrictEqual(t.record.since, 1000);
    assert.deepStrictEqual(t.effects, [{ type: "DISARM" }, { type: "SPAWN", gen: 4 }]);
  });
  Deno.test(`${state} + STOP -> ${state}, no effects (not running)`, () => {
    const t = run(rec(state), STOP);
    assert.deepStrictEqual(t.record.state, state);
    assert.deepStrictEqual(t.record.wanted, "down");
    assert.deepStrictEqual(t.effects, []);
  });
  Deno.test(`${state} + SPAWNED / SPAWN_FAILED of the current generation is illegal`, () => {
    assert.throws(() => run(rec(state), spawned()), IllegalTransition);
    assert.throws(() => run(rec(state), failed()), IllegalTransition);
  });
  Deno.test(`${state} + EXITED / TIMEOUT of the current generation is ignored`, () => {
    for (const e of [exited(0), timeout()]) {
      const t = run(rec(state), e);
      assert.deepStrictEqual(t.record, rec(state));
      assert.deepStrictEqual(t.effects, []);
    }
  });
}

Deno.test("STARTING + START -> STARTING (already starting)", () => {
  const t = run(rec("STARTING"), START);
  assert.deepStrictEqual(t.record.state, "STARTING");
  assert.deepStrictEqual(t.effects, []);
});

Deno.test("STARTING + STOP -> STOPPING: stopsignal to the group, stoptime armed", () => {
  const t = run(
    rec("STARTING"),
    { type: "STOP", by: "shutdown" },
    makeSpec({
      stopsignal: "SIGINT",
      stoptime: 2.5,
    }),
  );
  assert.deepStrictEqual(t.record.state, "STOPPING");
  assert.deepStrictEqual(t.record.wanted, "down");
  assert.deepStrictEqual(types(t.effects), ["EMIT:stopping", "KILL:SIGINT", "ARM:2500"]);
  assert.deepStrictEqual(fieldsOf(t.effects[0]), { pid: 100, signal: "SIGINT", by: "shutdown" });
});

Deno.test("STARTING + SPAWNED -> STARTING with pid, starttime armed", () => {
  const t = run(rec("STARTING", { pid: null }), spawned(3, 555), makeSpec({ starttime: 1.5 }));
  assert.deepStrictEqual(t.record.state, "STARTING");
  assert.deepStrictEqual(t.record.pid, 555);
  assert.deepStrictEqual(types(t.effects), ["EMIT:spawned", "ARM:1500"]);
});

Deno.test("STARTING + SPAWNED with starttime 0 -> RUNNING at once", () => {
  const t = run(
    rec("STARTING", { pid: null, retries: 2 }),
    spawned(3, 555),
    makeSpec({
      starttime: 0,
    }),
  );
  assert.deepStrictEqual(t.record.state, "RUNNING");
  assert.deepStrictEqual(t.record.runningSince, 1000);
  assert.deepStrictEqual(t.record.retries, 0);
  assert.deepStrictEqual(types(t.effects), ["EMIT:spawned", "EMIT:running"]);
});

Deno.test("STARTING + SPAWN_FAILED -> BACKOFF 1 s with the OS error, then FATAL after retries", () => {
  const spec = makeSpec({ startretries: 2 });
  let t = run(rec("STARTING", { pid: null }), failed(), spec);
  assert.deepStrictEqual(t.record.state, "BACKOFF");
  assert.deepStrictEqual(t.record.retries, 1);
  assert.deepStrictEqual(t.record.lastError, "ENOENT text");
  assert.deepStrictEqual(t.record.description, "ENOENT text; retry 1/2 in 1s");
  assert.deepStrictEqual(types(t.effects), ["ARM:1000", "EMIT:backoff"]);
  t = run(rec("STARTING", { retries: 2 }), failed(), spec);
  assert.deepStrictEqual(t.record.state, "FATAL");
  assert.deepStrictEqual(t.record.description, "ENOENT text");
  assert.deepStrictEqual(t.record.pid, null);
  assert.deepStrictEqual(types(t.effects), ["DISARM", "EMIT:fatal"]);
});

Deno.test("STARTING + EXITED -> BACKOFF with delays 1 s, 2 s, 3 s, then FATAL", () => {
  const spec = makeSpec({ startretries: 3 });
  const delays: number[] = [];
  for (let retries = 0; retries < 3; retries++) {
    const t = run(rec("STARTING", { retries }), exited(2), spec);
    assert.deepStrictEqual(t.record.state, "BACKOFF");
    assert.deepStrictEqual(t.record.lastExit, { code: 2, signal: null });
    assert.deepStrictEqual(t.record.pid, null);
    delays.push(t.record.nextDelay);
    assert.deepStrictEqual(types(t.effects), [
      "DISARM",
      "EMIT:exited",
      `ARM:${(retries + 1) * 1000}`,
      "EMIT:backoff",
    ]);
  }
  assert.deepStrictEqual(delays, [1000, 2000, 3000]);
  const t = run(rec("STARTING", { retries: 3 }), exited(null, "SIGSEGV"), spec);
  assert.deepStrictEqual(t.record.state, "FATAL");
  assert.deepStrictEqual(t.record.description, "killed by SIGSEGV");
  assert.deepStrictEqual(t.record.lastExit, { code: null, signal: "SIGSEGV" });
});

Deno.test("STARTING + TIMEOUT -> RUNNING, retries reset", () => {
  const t = run(rec("STARTING", { retries: 2 }), timeout(), makeSpec(), 4242);
  assert.deepStrictEqual(t.record.state, "RUNNING");
  assert.deepStrictEqual(t.record.retries, 0);
  assert.deepStrictEqual(t.record.runningSince, 4242);
  assert.deepStrictEqual(t.record.since, 4242);
  assert.deepStrictEqual(types(t.effects), ["EMIT:running"]);
});

Deno.test("RUNNING + START -> RUNNING (already started)", () => {
  const t = run(rec("RUNNING"), START);
  assert.deepStrictEqual(t.record, rec("RUNNING"));
  assert.deepStrictEqual(t.effects, []);
});

Deno.test("RUNNING + STOP -> STOPPING", () => {
  const t = run(rec("RUNNING"), STOP);
  assert.deepStrictEqual(t.record.state, "STOPPING");
  assert.deepStrictEqual(types(t.effects), ["EMIT:stopping", "KILL:SIGTERM", "ARM:10000"]);
});

Deno.test("RUNNING + SPAWNED / SPAWN_FAILED is illegal", () => {
  assert.throws(() => run(rec("RUNNING"), spawned()), IllegalTransition);
  assert.throws(() => run(rec("RUNNING"), failed()), IllegalTransition);
});

Deno.test("RUNNING + TIMEOUT is ignored", () => {
  assert.deepStrictEqual(run(rec("RUNNING"), timeout()).effects, []);
});

Deno.test("RUNNING + EXITED (expected, autorestart unexpected) -> EXITED, no restart", () => {
  const t = run(rec("RUNNING", { runningSince: 0 }), exited(0));
  assert.deepStrictEqual(t.record.state, "EXITED");
  assert.deepStrictEqual(t.record.pid, null);
  assert.deepStrictEqual(t.record.description, "exit status 0 (expected)");
  assert.deepStrictEqual(types(t.effects), ["DISARM", "EMIT:exited"]);
  assert.deepStrictEqual(fieldsOf(t.effects[1]), {
    pid: 100,
    code: 0,
    signal: null,
    expected: true,
  });
});

Deno.test("RUNNING + EXITED honours autorestart and exitcodes", () => {
  const cases: [ProgramSpec["autorestart"], number[], number | null, string | null, boolean][] = [
    ["always", [0], 0, null, true],
    ["never", [0], 1, null, false],
    ["unexpected", [0, 2], 2, null, false],
    ["unexpected", [0, 2], 1, null, true],
    ["unexpected", [0], 0, "SIGKILL", true],
  ];
  for (const [autorestart, exitcodes, code, signal, restarts] of cases) {
    const t = run(
      rec("RUNNING", { runningSince: 0 }),
      exited(code, signal),
      makeSpec({
        autorestart,
        exitcodes,
      }),
    );
    assert.deepStrictEqual(
      t.record.state,
      restarts ? "STARTING" : "EXITED",
      `${autorestart} ${code}`,
    );
  }
});

Deno.test("RUNNING + EXITED -> STARTING immediately on the first restart, counts restarts", () => {
  const t = run(rec("RUNNING", { runningSince: 500, restarts: 2 }), exited(1), makeSpec(), 900);
  assert.deepStrictEqual(t.record.state, "STARTING");
  assert.deepStrictEqual(t.record.generation, 4);
  assert.deepStrictEqual(t.record.restarts, 3);
  assert.deepStrictEqual(t.record.quickCrashes, 1);
  assert.deepStrictEqual(t.record.lastExit, { code: 1, signal: null });
  assert.deepStrictEqual(types(t.effects), ["EMIT:exited", "DISARM", "SPAWN"]);
});

Deno.test("crash-loop throttle: immediate, then 1 s, 2 s, 4 s… capped, never FATAL", () => {
  const spec = makeSpec({ maxrestartdelay: 5, autorestart: "always" });
  let r = rec("RUNNING", { runningSince: 0 });
  const delays: number[] = [];
  for (let i = 0; i < 6; i++) {
    const t = run(r, exited(1, null, r.generation), spec, 100);
    assert.ok(!t.dropped);
    delays.push(t.record.state === "STARTING" ? 0 : t.record.nextDelay);
    if (t.record.state === "BACKOFF") {
      assert.deepStrictEqual(
        t.record.description,
        `crash loop: restart in ${t.record.nextDelay / 1000}s`,
      );
      assert.deepStrictEqual(types(t.effects), [
        "EMIT:exited",
        `ARM:${t.record.nextDelay}`,
        "EMIT:backoff",
      ]);
    }
    r = { ...t.record, state: "RUNNING", runningSince: 100, pid: 1 };
  }
  assert.deepStrictEqual(delays, [0, 1000, 2000, 4000, 5000, 5000]);
});

Deno.test("crash-loop throttle resets after 60 s of RUNNING; maxrestartdelay 0 never waits", () => {
  const long = run(
    rec("RUNNING", { runningSince: 0, quickCrashes: 5 }),
    exited(1),
    makeSpec(),
    60_000,
  );
  assert.deepStrictEqual(long.record.state, "STARTING");
  assert.deepStrictEqual(long.record.quickCrashes, 1);
  const off = run(
    rec("RUNNING", { runningSince: 0, quickCrashes: 5 }),
    exited(1),
    makeSpec({ maxrestartdelay: 0 }),
    10,
  );
  assert.deepStrictEqual(off.record.state, "STARTING");
});

Deno.test("BACKOFF + START -> STARTING (operator start resets retries and throttle)", () => {
  const t = run(rec("BACKOFF", { retries: 2, quickCrashes: 4, restarts: 9 }), START);
  assert.deepStrictEqual(t.record.state, "STARTING");
  assert.deepStrictEqual([t.record.retries, t.record.quickCrashes, t.record.restarts], [0, 0, 0]);
  assert.deepStrictEqual(t.effects, [{ type: "DISARM" }, { type: "SPAWN", gen: 4 }]);
});

Deno.test("BACKOFF + STOP -> STOPPED at once, timer disarmed", () => {
  const t = run(rec("BACKOFF", { lastExit: { code: 1, signal: null } }), STOP);
  assert.deepStrictEqual(t.record.state, "STOPPED");
  assert.deepStrictEqual(t.record.wanted, "down");
  assert.deepStrictEqual(types(t.effects), ["DISARM", "EMIT:stopped"]);
});

Deno.test("BACKOFF + SPAWNED / SPAWN_FAILED is illegal, EXITED ignored", () => {
  assert.throws(() => run(rec("BACKOFF"), spawned()), IllegalTransition);
  assert.throws(() => run(rec("BACKOFF"), failed()), IllegalTransition);
  assert.deepStrictEqual(run(rec("BACKOFF"), exited(1)).effects, []);
});

Deno.test("BACKOFF + TIMEOUT -> STARTING, keeps retries, counts an automatic restart", () => {
  const t = run(rec("BACKOFF", { retries: 2, restarts: 1 }), timeout());
  assert.deepStrictEqual(t.record.state, "STARTING");
  assert.deepStrictEqual(t.record.retries, 2);
  assert.deepStrictEqual(t.record.restarts, 2);
  assert.deepStrictEqual(t.effects, [{ type: "DISARM" }, { type: "SPAWN", gen: 4 }]);
});

Deno.test("STOPPING + START / STOP -> STOPPING, nothing to do", () => {
  for (const e of [START, STOP]) {
    const t = run(rec("STOPPING"), e);
    assert.deepStrictEqual(t.record.state, "STOPPING");
    assert.deepStrictEqual(t.effects, []);
  }
});

Deno.test("STOPPING + SPAWNED -> STOPPING, the late child is signalled too", () => {
  const t = run(rec("STOPPING", { pid: null }), spawned(3, 77));
  assert.deepStrictEqual(t.record.pid, 77);
  assert.deepStrictEqual(types(t.effects), ["KILL:SIGTERM"]);
});

Deno.test("STOPPING + SPAWN_FAILED -> STOPPED", () => {
  const t = run(rec("STOPPING", { pid: null }), failed());
  assert.deepStrictEqual(t.record.state, "STOPPED");
  assert.deepStrictEqual(types(t.effects), ["DISARM", "EMIT:stopped"]);
});

Deno.test("STOPPING + EXITED -> STOPPED with the exit recorded", () => {
  const t = run(rec("STOPPING"), exited(null, "SIGTERM"));
  assert.deepStrictEqual(t.record.state, "STOPPED");
  assert.deepStrictEqual(t.record.pid, null);
  assert.deepStrictEqual(t.record.lastExit, { code: null, signal: "SIGTERM" });
  assert.deepStrictEqual(fieldsOf(t.effects[1]), { code: null, signal: "SIGTERM" });
});

Deno.test("STOPPING + TIMEOUT -> SIGKILL to the group once", () => {
  const t = run(rec("STOPPING"), timeout());
  assert.deepStrictEqual(t.record.state, "STOPPING");
  assert.deepStrictEqual(t.record.killSent, true);
  assert.deepStrictEqual(types(t.effects), ["KILL:SIGKILL", "EMIT:killed"]);
  assert.deepStrictEqual(run(t.record, timeout()).effects, []);
});

Deno.test("RUNNING + EXITED held by a critical trigger -> EXITED, never restarted", () => {
  const spec = makeSpec({ autorestart: "always" });
  const held = run(
    rec("RUNNING"),
    { type: "EXITED", gen: 3, code: 3, signal: null, hold: true },
    spec,
  );
  assert.equal(held.record.state, "EXITED");
  assert.ok(!types(held.effects).includes("SPAWN"));
  const normal = run(rec("RUNNING"), exited(3), spec);
  assert.equal(normal.record.state, "STARTING", "without hold autorestart applies");
});
