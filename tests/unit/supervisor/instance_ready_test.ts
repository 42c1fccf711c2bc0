/** The instance drives ready checks through the injected factory (docs/lifecycle.md "Ready checks"). */
import assert from "node:assert/strict";
import type { ReadySpec } from "../../../src/config/types.ts";
import type { ReadyWatchOptions } from "../../../src/supervisor/ready.ts";
import { LineSplitter } from "../../../src/supervisor/ready.ts";
import { dieOnSignal } from "../../helpers/fake_spawner.ts";
import { instanceRig } from "./fake_rig.ts";

const READY: ReadySpec = {
  check: { kind: "tcp", host: "127.0.0.1", port: "1" },
  period: 1,
  timeout: 1,
  initialdelay: 0,
  deadline: 60,
};

/** A fake watch factory: records each watch; tests fire its callbacks by hand. */
function fakeWatches() {
  const made: { options: ReadyWatchOptions; stopped: boolean; lines: string[] }[] = [];
  return {
    made,
    factory: (options: ReadyWatchOptions) => {
      const w = { options, stopped: false, lines: [] as string[] };
      made.push(w);
      return { feedLine: (l: string) => w.lines.push(l), stop: () => (w.stopped = true) };
    },
  };
}

Deno.test("Instance with ready: STARTING until ready and starttime; `running` after `ready`", async () => {
  const w = fakeWatches();
  const r = instanceRig({ ready: READY, starttime: 1 }, { readyWatch: w.factory });
  r.instance.dispatch({ type: "START" });
  assert.equal(w.made.length, 1);
  assert.equal(r.instance.status().ready, false);
  await r.clock.tick(1000);
  assert.equal(r.instance.record.state, "STARTING", "starttime alone is not enough");
  w.made[0]!.options.onReady({ check: "tcp", after: 1.5 });
  assert.equal(r.instance.record.state, "RUNNING");
  assert.equal(r.instance.status().ready, true);
  assert.ok(w.made[0]!.stopped, "checks stop once RUNNING");
  assert.deepEqual(r.hub.recent().map((e) => e.event), ["spawned", "ready", "running"]);
});

Deno.test("Instance with ready: deadline stops the process, a failed start, new watch per spawn", async () => {
  const w = fakeWatches();
  const r = instanceRig({ ready: READY, starttime: 1, startretries: 1, stoptime: 2 }, {
    readyWatch: w.factory,
    onSignal: dieOnSignal,
  });
  r.instance.dispatch({ type: "START" });
  await r.clock.tick(1000);
  w.made[0]!.options.onDeadline({ check: "tcp", deadline: 60, last: "refused" });
  await r.clock.flush();
  assert.equal(r.instance.record.state, "BACKOFF");
  assert.match(r.instance.record.description, /^not ready after 60s; retry 1\/1/);
  assert.equal(r.events("ready-timeout").length, 1);
  assert.equal(r.events("ready-timeout")[0]!.level, "WARN");
  await r.clock.runAll();
  assert.equal(w.made.length, 2, "the retry gets its own watch");
  w.made[1]!.options.onDeadline({ check: "tcp", deadline: 60, last: "refused" });
  await r.clock.runAll();
  assert.equal(r.instance.record.state, "FATAL");
  assert.ok(w.made.every((x) => x.stopped));
});

Deno.test("Instance without ready: no watch is ever made", async () => {
  const w = fakeWatches();
  const r = instanceRig({ starttime: 1 }, { readyWatch: w.factory });
  r.instance.dispatch({ type: "START" });
  await r.clock.tick(1000);
  assert.equal(r.instance.record.state, "RUNNING");
  assert.equal(w.made.length, 0);
  assert.equal(r.instance.status().ready, null);
});

Deno.test("LineSplitter: LF and CRLF lines, partial lines kept until complete", () => {
  const lines: string[] = [];
  const s = new LineSplitter((l) => lines.push(l));
  const enc = new TextEncoder();
  s.push(enc.encode("a\r\nb"));
  s.push(enc.encode("c\nd"));
  assert.deepEqual(lines, ["a", "bc"]);
});
