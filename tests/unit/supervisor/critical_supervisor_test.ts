/**
 * Critical programs at the supervisor level (docs/lifecycle.md "Critical programs"): the facts an
 * instance reports, the single trigger, no restart, and every ending that must not trigger. Fake
 * clock and spawner: no real process, no real timer.
 */
import assert from "node:assert/strict";
import type { LoadResult, ProgramSpec } from "../../../src/config/types.ts";
import type { CriticalDecision } from "../../../src/supervisor/critical.ts";
import { Instance } from "../../../src/supervisor/instance.ts";
import { Supervisor } from "../../../src/supervisor/supervisor.ts";
import { FakeOutput } from "../../helpers/fake_output.ts";
import { dieOnSignal, type FakeSpawnerOptions } from "../../helpers/fake_spawner.ts";
import { makeSpec } from "../../helpers/specs.ts";
import { configOf, type Fakes, fakes, prog } from "./fake_rig.ts";

interface Rig extends Fakes {
  sup: Supervisor;
  decisions: CriticalDecision[];
  next: LoadResult;
  state(name: string): string;
}

function rig(programs: ProgramSpec[], options: Omit<FakeSpawnerOptions, "clock"> = {}): Rig {
  const f = fakes({ onSignal: dieOnSignal, ...options });
  const decisions: CriticalDecision[] = [];
  const r = { ...f, decisions, next: { ok: true, config: configOf(programs) } } as Rig;
  r.sup = new Supervisor({
    config: configOf(programs),
    hub: f.hub,
    spawner: f.spawner,
    clock: f.clock,
    createOutput: () => new FakeOutput(),
    loadConfig: () => Promise.resolve(r.next),
    onCritical: (d) => decisions.push(d),
  });
  r.state = (name) => r.sup.status([name])[0]!.state;
  return r;
}

Deno.test("critical unexpected: exit 3 while RUNNING triggers once, is logged, and is not restarted", async () => {
  const r = rig([prog("main", { critical: "unexpected", autorestart: "always" }), prog("side")]);
  r.sup.startAutostart();
  await r.clock.flush();
  r.spawner.childrenOf("main")[0]!.exit(3);
  await r.clock.tick(1000);
  assert.equal(r.decisions.length, 1);
  assert.equal(r.decisions[0]!.exitCode, 3);
  assert.equal(r.state("main"), "EXITED", "held: autorestart always would have restarted it");
  assert.equal(r.spawner.childrenOf("main").length, 1);
  const [line] = r.events("critical-exit");
  assert.equal(line?.level, "ERROR");
  assert.equal(line?.process, "main");
  assert.deepEqual(line?.fields, {
    mode: "unexpected",
    reason: "exit status 3 (unexpected)",
    code: 3,
    signal: null,
    exitcode: 3,
  });
  const order = r.hub.recent().filter((e) => e.process === "main").map((e) => e.event);
  assert.deepEqual(order.slice(-2), ["exited", "critical-exit"], "the exit is logged first");
});

Deno.test("critical: two critical programs ending together trigger only once", async () => {
  const r = rig([prog("a", { critical: "exit" }), prog("b", { critical: "exit" })]);
  r.sup.startAutostart();
  await r.clock.flush();
  r.spawner.childrenOf("a")[0]!.exit(4);
  r.spawner.childrenOf("b")[0]!.exit(5);
  await r.clock.tick(1000);
  assert.equal(r.decisions.length, 1);
  assert.equal(r.events("critical-exit").length, 1);
});

Deno.test("critical: operator stop, restart and reload stops never trigger", async () => {
  const r = rig([prog("main", { critical: "exit", stoptime: 1 })]);
  r.sup.startAutostart();
  await r.clock.flush();
  await r.clock.drive(r.sup.restart(["main"]));
  await r.clock.drive(r.sup.stop(["main"]));
  assert.equal(r.state("main"), "STOPPED");
  await r.clock.drive(r.sup.start(["main"]));
  r.next = { ok: true, config: configOf([prog("main", { critical: "exit", env: { X: "1" } })]) };
  const plan = await r.clock.drive(r.sup.reload({ dryRun: false }));
  assert.deepEqual(plan.changed, ["main"]);
  assert.equal(r.state("main"), "RUNNING", "a shaping change restarted it");
  assert.equal(r.decisions.length, 0);
  assert.equal(r.events("critical-exit").length, 0);
});

Deno.test("critical: an exit within stoptime of an operator signal is operator-caused; later it counts", async () => {
  const r = rig([prog("main", { critical: "exit", stoptime: 5, autorestart: "always" })], {
    onSignal: () => {},
  });
  r.sup.startAutostart();
  await r.clock.flush();
  assert.equal(r.sup.signal("USR1", ["main"])[0]!.ok, true);
  await r.clock.tick(4000);
  r.spawner.childrenOf("main")[0]!.killBy("SIGUSR1");
  await r.clock.tick(1000);
  assert.equal(r.decisions.length, 0, "4 s after the signal, within stoptime 5 s");
  assert.equal(r.state("main"), "RUNNING", "restarted as usual");
  assert.equal(r.spawner.childrenOf("main").length, 2);
  r.sup.signal("USR1", ["main"]);
  await r.clock.tick(6000);
  r.spawner.childrenOf("main")[1]!.exit(0);
  await r.clock.tick(1000);
  assert.equal(r.decisions.length, 1, "6 s after the signal: on its own");
  assert.equal(r.decisions[0]!.exitCode, 0, "critical exit with an expected code exits 0");
});

Deno.test("critical: an exit during STARTING is a failed start; only the FATAL it ends in counts", async () => {
  const r = rig([prog("main", { critical: "exit", starttime: 1, startretries: 2 })], {
    onSpawn: (child) => child.exit(0),
  });
  r.sup.startAutostart();
  await r.clock.tick(2000);
  assert.equal(r.state("main"), "BACKOFF");
  assert.equal(r.decisions.length, 0);
  await r.clock.runAll();
  assert.equal(r.state("main"), "FATAL");
  assert.equal(r.decisions.length, 1);
  assert.equal(r.decisions[0]!.exitCode, 1, "a FATAL never exits 0 (its exits were expected)");
  assert.equal(r.decisions[0]!.reason, "gave up: exit status 0");
});

Deno.test("critical fatal: a program that can never be spawned ends the daemon with 127", async () => {
  const r = rig([prog("main", { critical: "fatal", startretries: 1 })]);
  r.spawner.failNext("No such file or directory (os error 2)");
  r.spawner.failNext("No such file or directory (os error 2)");
  r.sup.startAutostart();
  await r.clock.runAll();
  assert.equal(r.state("main"), "FATAL");
  assert.deepEqual(r.decisions.map((d) => d.exitCode), [127]);
  const line = r.events("critical-exit")[0]!;
  assert.match(String(line.fields.reason), /spawn error: No such file/);
});

Deno.test("critical fatal: an unexpected exit while RUNNING restarts as usual", async () => {
  const r = rig([prog("main", { critical: "fatal" })]);
  r.sup.startAutostart();
  await r.clock.flush();
  r.spawner.childrenOf("main")[0]!.killBy("SIGKILL");
  await r.clock.tick(1000);
  assert.equal(r.decisions.length, 0);
  assert.equal(r.spawner.childrenOf("main").length, 2);
});

Deno.test("critical: endings during a shutdown already under way never trigger", async () => {
  const r = rig([prog("main", { critical: "exit" })], { onSignal: () => {} });
  r.sup.startAutostart();
  await r.clock.flush();
  const done = r.sup.shutdown();
  r.spawner.childrenOf("main")[0]!.exit(3);
  await r.clock.drive(done);
  assert.equal(r.decisions.length, 0);
  // The flag itself, on an instance still RUNNING when the exit arrives:
  const f = fakes();
  const decisions: CriticalDecision[] = [];
  const instance = new Instance({
    spec: makeSpec({ critical: "exit", starttime: 0 }),
    index: 0,
    name: "web",
    hub: f.hub,
    spawner: f.spawner,
    clock: f.clock,
    output: new FakeOutput(),
    secretEnv: () => [],
    critical: { shuttingDown: () => true, triggered: (_i, d) => decisions.push(d) },
  });
  instance.dispatch({ type: "START" });
  await f.clock.flush();
  f.spawner.last.exit(3);
  await f.clock.tick(1000);
  assert.equal(decisions.length, 0);
  assert.equal(instance.record.state, "RUNNING", "restarted: the shutdown stops it");
});

Deno.test("critical: a reload changing only critical lists it changed, keeps the pid, applies live", async () => {
  const r = rig([prog("main")]);
  r.sup.startAutostart();
  await r.clock.flush();
  const pid = r.sup.status(["main"])[0]!.pid;
  r.next = { ok: true, config: configOf([prog("main", { critical: "unexpected" })]) };
  const plan = await r.clock.drive(r.sup.reload({ dryRun: false }));
  assert.deepEqual(plan.changed, ["main"]);
  assert.equal(r.sup.status(["main"])[0]!.pid, pid, "not restarted");
  r.spawner.childrenOf("main")[0]!.exit(2);
  await r.clock.tick(1000);
  assert.deepEqual(r.decisions.map((d) => d.exitCode), [2]);
});

Deno.test("critical: a shutdown started during the autostart loop starts nothing after it", async () => {
  const r = rig([prog("main", { critical: "fatal", startretries: 0 }), prog("side")]);
  let shutdown: Promise<void> | null = null;
  r.sup = new Supervisor({
    config: configOf([prog("main", { critical: "fatal", startretries: 0 }), prog("side")]),
    hub: r.hub,
    spawner: r.spawner,
    clock: r.clock,
    createOutput: () => new FakeOutput(),
    loadConfig: () => Promise.resolve(r.next),
    onCritical: () => shutdown = r.sup.shutdown(),
  });
  r.spawner.failNext("No such file or directory (os error 2)");
  r.sup.startAutostart();
  assert.ok(shutdown !== null, "the spawn error triggered at once");
  await r.clock.drive(shutdown);
  assert.equal(r.spawner.childrenOf("side").length, 0, "side was never started");
  assert.equal(r.state("side"), "STOPPED");
});
