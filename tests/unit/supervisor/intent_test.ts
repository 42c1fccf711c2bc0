/** The supervisor's side of operator intent (docs/state.md), on fakes: no process, no disk. */
import assert from "node:assert/strict";
import { StateStore, tempPath } from "../../../src/state/store.ts";
import { dieOnSignal } from "../../helpers/fake_spawner.ts";
import { FakeStateFs } from "../../helpers/fake_state_fs.ts";
import { configOf, prog, supervisorRig } from "./fake_rig.ts";

const FILE = "/tmp/taskmaster-unit/taskmasterd.state.json";

function rigWith(
  programs: Parameters<typeof supervisorRig>[0],
  fs = new FakeStateFs(),
  onSpawn?: () => void,
) {
  const r = supervisorRig(
    programs,
    { onSignal: dieOnSignal, ...(onSpawn === undefined ? {} : { onSpawn }) },
    (f) => new StateStore({ path: FILE, hub: f.hub, clock: f.clock, fs }),
  );
  const saved = () => {
    const text = fs.text(FILE);
    return text === undefined ? {} : JSON.parse(text).processes;
  };
  return Object.assign(r, { fs, saved });
}

function heldFile(processes: Record<string, "started" | "stopped">): string {
  const entries = Object.entries(processes).map(([name, desired]) => [
    name,
    { desired, since: "2026-01-01T00:00:00.000Z", by: "ctl" },
  ]);
  return JSON.stringify({ version: 1, savedAt: "x", processes: Object.fromEntries(entries) });
}

Deno.test("start/stop/restart record intent with the actor before acting; status shows it", async () => {
  const fs = new FakeStateFs();
  let before: unknown = null;
  let armed = false;
  const r = rigWith([prog("web", { numprocs: 2 }), prog("idle", { autostart: false })], fs, () => {
    if (armed) before ??= JSON.parse(fs.text(FILE) ?? "{}").processes;
  });
  r.sup.startAutostart();
  armed = true;
  await r.clock.drive(r.sup.stop(["web:1"]));
  await r.clock.drive(r.sup.start(["idle"], { by: "web" }));
  assert.deepEqual(
    Object.keys(before as object).sort(),
    ["idle", "web:1"],
    "written before the spawn",
  );
  assert.deepEqual(
    Object.fromEntries(Object.entries(r.saved()).map(([k, v]) => [k, (v as { by: string }).by])),
    { "web:1": "ctl", idle: "web" },
  );
  const status = Object.fromEntries(r.sup.status([]).map((s) => [s.name, [s.desired, s.held]]));
  assert.deepEqual(status, {
    "web:0": ["started", false],
    "web:1": ["stopped", true],
    idle: ["started", true],
  });
  await r.clock.drive(r.sup.restart(["all"]));
  assert.deepEqual(Object.keys(r.saved()).sort(), ["idle", "web:0", "web:1"]);
  assert.ok(
    Object.values(r.saved()).every((o) => (o as { desired: string }).desired === "started"),
  );
});

Deno.test("daemon start: held stopped is not started, held started (autostart false) is", () => {
  const fs = new FakeStateFs();
  fs.put(FILE, heldFile({ web: "stopped", idle: "started", gone: "stopped" }));
  const r = rigWith([prog("web"), prog("idle", { autostart: false }), prog("plain")], fs);
  r.sup.restoreIntent();
  r.sup.startAutostart();
  assert.deepEqual(r.states(), { web: "STOPPED", idle: "RUNNING", plain: "RUNNING" });
  const [restored] = r.events("state-restored");
  assert.deepEqual(restored!.fields, { applied: 2, dropped: 1, file: FILE });
  assert.deepEqual(Object.keys(r.saved()).sort(), ["idle", "web"], "unknown names dropped");
});

Deno.test("nothing but an operator action records: automatic restarts, signal, shutdown", async () => {
  const r = rigWith([prog("web", { autorestart: "always" })]);
  r.sup.startAutostart();
  r.spawner.children[0]!.exit(1);
  await r.clock.tick(1000);
  r.sup.signal("USR1", ["web"]);
  await r.clock.drive(r.sup.shutdown());
  assert.equal(r.fs.ops.length, 0, "no write at all");
  assert.deepEqual(r.sup.status([]).map((s) => s.held), [false]);
});

Deno.test("reload never starts a held-stopped process; overrides of removed ones are dropped", async () => {
  const r = rigWith([prog("web"), prog("gone"), prog("grow")]);
  r.sup.startAutostart();
  await r.clock.drive(r.sup.stop(["web", "gone", "grow"]));
  r.next = {
    ok: true,
    config: configOf([prog("web", { env: { NEW: "1" } }), prog("grow", { numprocs: 2 })]),
  };
  await r.clock.drive(r.sup.reload({ dryRun: false }));
  const states = r.states();
  assert.equal(states.web, "STOPPED", "a shaping change does not start a held-stopped one");
  assert.equal(states["grow:0"], "STOPPED");
  assert.equal(states["grow:1"], "RUNNING", "a new instance follows autostart");
  assert.deepEqual(Object.keys(r.saved()), ["web"], "gone and grow (now grow:0/1) dropped");
});

Deno.test("reload: an added program with a held-started name starts even with autostart false", async () => {
  const r = rigWith([prog("idle", { autostart: false, numprocs: 2 })]);
  await r.clock.drive(r.sup.start(["idle:1"]));
  r.next = { ok: true, config: configOf([prog("idle", { autostart: false, numprocs: 3 })]) };
  await r.clock.drive(r.sup.stop(["idle:1"]));
  await r.clock.drive(r.sup.start(["idle:1"]));
  await r.clock.drive(r.sup.reload({ dryRun: false }));
  const states = r.states();
  assert.equal(states["idle:1"], "RUNNING");
  assert.equal(states["idle:2"], "STOPPED", "autostart false, no override");
});

Deno.test("reset removes overrides without touching any process", async () => {
  const r = rigWith([prog("web", { numprocs: 2 })]);
  r.sup.startAutostart();
  await r.clock.drive(r.sup.stop(["web:0"]));
  const results = r.sup.reset(["web", "nope"]);
  assert.deepEqual(results.map((x) => [x.name, x.ok, x.message]), [
    ["web:0", true, "override removed (desired started)"],
    ["web:1", true, "no override"],
    ["nope", false, "no such process"],
  ]);
  assert.equal(r.states()["web:0"], "STOPPED", "reset changes no state");
  assert.deepEqual(r.saved(), {});
  assert.deepEqual(r.sup.status(["web:0"])[0]!.desired, "started");
});

Deno.test("a failed write does not fail the action: `not saved: REASON` in each result", async () => {
  const fs = new FakeStateFs();
  const r = rigWith([prog("web", { numprocs: 2 })], fs);
  r.sup.startAutostart();
  fs.failing.set("write", new Error("No space left on device (os error 28)"));
  const results = await r.clock.drive(r.sup.stop(["web", "nope"]));
  assert.deepEqual(results.map((x) => [x.name, x.ok, x.message]), [
    ["web:0", true, "stopped; not saved: No space left on device (os error 28)"],
    ["web:1", true, "stopped; not saved: No space left on device (os error 28)"],
    ["nope", false, "no such process"],
  ]);
  assert.equal(r.events("state-error").length, 1, "one write, one event");
  assert.equal(fs.files.has(tempPath(FILE)), false);
});
