import assert from "node:assert/strict";
import { dieOnSignal, type FakeChild } from "../../helpers/fake_spawner.ts";
import { prog, supervisorRig } from "./fake_rig.ts";

Deno.test("Supervisor.startAutostart: spawns autostart programs only, in config order", () => {
  const r = supervisorRig([
    prog("web", { numprocs: 2 }),
    prog("manual", { autostart: false }),
    prog("db"),
  ]);
  r.sup.startAutostart();
  assert.deepStrictEqual(r.spawner.children.map((c) => c.request.processName), [
    "web:0",
    "web:1",
    "db",
  ]);
  assert.deepStrictEqual(r.spawner.children.map((c) => c.request.index), [0, 1, 0]);
  assert.equal(r.states().manual, "STOPPED");
  assert.equal(r.spawner.signals.length, 0);
});

Deno.test("Supervisor.shutdown: stops everything by 'shutdown', SIGKILLs laggards at stoptime", async () => {
  const r = supervisorRig([
    prog("polite", { stoptime: 10 }),
    prog("stubborn", { stoptime: 4 }),
    prog("idle", { autostart: false }),
  ], {
    onSignal: (child: FakeChild, signal) => {
      if (child.request.processName === "polite" || signal === "SIGKILL") {
        dieOnSignal(child, signal);
      }
    },
  });
  r.sup.startAutostart();
  const done = r.sup.shutdown();
  assert.equal(r.sup.shutdown(), done, "every caller shares one shutdown");
  await r.clock.drive(done);
  assert.equal(r.elapsed(), 4000, "done when the last one was killed");
  assert.deepStrictEqual(r.states(), { polite: "STOPPED", stubborn: "STOPPED", idle: "STOPPED" });
  assert.deepStrictEqual(r.events("stopping").map((e) => [e.process, e.fields.by]), [
    ["polite", "shutdown"],
    ["stubborn", "shutdown"],
  ]);
  assert.deepStrictEqual(r.events("killed").map((e) => e.process), ["stubborn"]);
  for (const [name, outputs] of r.outputs) assert.equal(outputs[0]?.closed, 1, name);
  const [res] = await r.clock.drive(r.sup.start(["idle"]));
  assert.equal(res?.message, "shutting down");
  assert.equal(r.spawner.children.length, 2, "nothing starts after shutdown");
  await assert.rejects(r.sup.reload({ dryRun: false }), /shutting down/);
});

Deno.test("Supervisor.shutdown: a crash-looping program in BACKOFF stops at once", async () => {
  const r = supervisorRig([prog("loop", { autorestart: "always" })], {
    onSpawn: (child) => child.exit(1),
  });
  r.sup.startAutostart();
  await r.clock.flush();
  assert.equal(r.states().loop, "BACKOFF");
  await r.clock.drive(r.sup.shutdown());
  assert.equal(r.states().loop, "STOPPED");
  assert.equal(r.elapsed(), 0);
  assert.equal(r.clock.pending, 0, "no restart timer survives the shutdown");
});

Deno.test("Supervisor.restart during shutdown only stops", async () => {
  const r = supervisorRig([prog("web", { stoptime: 1 })], { onSignal: dieOnSignal });
  r.sup.startAutostart();
  const shutdown = r.sup.shutdown();
  const [res] = await r.clock.drive(r.sup.restart(["web"]));
  await r.clock.drive(shutdown);
  assert.equal(res?.state, "STOPPED");
  assert.equal(r.spawner.children.length, 1);
});
