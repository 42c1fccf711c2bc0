import assert from "node:assert/strict";
import type { ConfigError } from "../../../src/config/types.ts";
import { dieOnSignal } from "../../helpers/fake_spawner.ts";
import { configOf, prog, supervisorRig } from "./fake_rig.ts";

Deno.test("reload: unchanged keep pids, added start, removed stop, numprocs delta, policy live, shaping restarts", async () => {
  const keep = prog("keep");
  const gone = prog("gone");
  const grow = prog("grow");
  const shrink = prog("shrink", { numprocs: 3 });
  const policy = prog("policy");
  const shaped = prog("shaped");
  const idle = prog("idle", { autostart: false });
  const r = supervisorRig([keep, gone, grow, shrink, policy, shaped, idle], {
    onSignal: dieOnSignal,
  });
  r.sup.startAutostart();
  const before = r.pids();
  assert.equal(r.spawner.children.length, 8, "every autostart instance, idle excepted");
  r.next = {
    ok: true,
    config: configOf([
      keep,
      { ...grow, numprocs: 3 },
      { ...shrink, numprocs: 1 },
      { ...policy, stoptime: 1, autorestart: "always" },
      { ...shaped, env: { NEW: "1" } },
      { ...idle, env: { NEW: "1" } },
      prog("fresh"),
    ]),
  };
  const plan = await r.clock.drive(r.sup.reload({ dryRun: true }));
  assert.deepStrictEqual(plan, {
    added: ["fresh"],
    changed: ["grow", "shrink", "policy", "shaped", "idle"],
    removed: ["gone"],
    unchanged: ["keep"],
  });
  assert.deepStrictEqual(r.pids(), before, "a dry run changes nothing");
  assert.equal(r.spawner.children.length, 8);
  assert.equal(r.spawner.signals.length, 0);

  await r.clock.drive(r.sup.reload({ dryRun: false }));
  const after = r.pids();
  const states = r.states();
  const spawned = r.spawner.children.slice(8).map((c) => c.request.processName);
  assert.deepStrictEqual(spawned.sort(), ["fresh", "grow:1", "grow:2", "shaped"]);
  const signalled = [...new Set(r.spawner.signals.map((s) => s.pid))].sort();
  assert.deepStrictEqual(
    signalled,
    [before.gone, before["shrink:1"], before["shrink:2"], before.shaped].sort(),
    "only the removed, the shrunk and the reshaped got a signal",
  );
  assert.equal(after.keep, before.keep);
  assert.equal("gone" in after, false);
  assert.deepStrictEqual(r.events("stopping", "gone").map((e) => e.fields.by), ["reload"]);
  assert.equal(r.events("stopped", "gone").length, 1);
  assert.equal(after["grow:0"], before.grow, "grow keeps its process as grow:0");
  assert.equal(states["grow:2"], "RUNNING");
  assert.equal(after.shrink, before["shrink:0"], "shrink:0 keeps its process as shrink");
  assert.equal(r.events("stopped", "shrink:2").length, 1);
  assert.equal(after.policy, before.policy, "a policy-only change keeps the pid");
  assert.equal(r.sup.instances().find((i) => i.name === "policy")?.spec.stoptime, 1);
  assert.notEqual(after.shaped, before.shaped);
  assert.equal(states.shaped, "RUNNING");
  assert.equal(r.outputs.get("shaped")?.length, 2, "a restarted program gets a fresh output");
  assert.equal(r.outputs.get("shaped")?.[0]?.closed, 1);
  assert.equal(states.idle, "STOPPED", "a stopped program stays stopped");
  assert.equal(states.fresh, "RUNNING");
  assert.equal(r.outputs.get("gone")?.[0]?.closed, 1, "a removed program's output is closed");
  assert.equal(r.events("reload").length, 1);
  assert.equal(r.sup.info().lastReload?.message, "added=1 changed=5 removed=1");
  assert.deepStrictEqual(r.sup.status([]).map((s) => s.name), [
    "keep",
    "grow:0",
    "grow:1",
    "grow:2",
    "shrink",
    "policy",
    "shaped",
    "idle",
    "fresh",
  ]);
});

Deno.test("reload: a shaping change restarts only the instances that were up", async () => {
  const multi = prog("multi", { numprocs: 3 });
  const r = supervisorRig([multi], { onSignal: dieOnSignal });
  r.sup.startAutostart();
  await r.clock.drive(r.sup.stop(["multi:1"]));
  const before = r.pids();
  r.next = { ok: true, config: configOf([{ ...multi, argv: ["/bin/other"] }]) };
  await r.clock.drive(r.sup.reload({ dryRun: false }));
  const states = r.states();
  assert.deepStrictEqual(states, {
    "multi:0": "RUNNING",
    "multi:1": "STOPPED",
    "multi:2": "RUNNING",
  });
  assert.notEqual(r.pids()["multi:0"], before["multi:0"]);
  assert.deepStrictEqual(r.spawner.children.slice(3).map((c) => c.request.spec.argv), [
    ["/bin/other"],
    ["/bin/other"],
  ]);
});

Deno.test("reload: waits for removed programs to stop; added ones start after that", async () => {
  const stubborn = prog("stubborn", { stoptime: 3 });
  const r = supervisorRig([stubborn]);
  r.sup.startAutostart();
  r.next = { ok: true, config: configOf([prog("fresh")]) };
  await r.clock.drive(r.sup.reload({ dryRun: false }));
  assert.equal(r.elapsed(), 3000, "the TERM-ignoring child was SIGKILLed at its stoptime");
  assert.equal(r.events("killed", "stubborn").length, 1);
  const fresh = r.spawner.childrenOf("fresh");
  assert.equal(fresh.length, 1);
  assert.equal((fresh[0]?.spawnedAt ?? 0) - r.t0, 3000);
  assert.deepStrictEqual(r.sup.status([]).map((s) => [s.name, s.state]), [["fresh", "RUNNING"]]);
});

Deno.test("reload: an invalid config keeps everything and reports every error", async () => {
  const r = supervisorRig([prog("keep")]);
  r.sup.startAutostart();
  const before = r.pids();
  const errors = [{ text: "t.yaml:1:1: a: bad" }, { text: "t.yaml:2:1: b: bad" }] as ConfigError[];
  r.next = { ok: false, errors };
  await assert.rejects(r.clock.drive(r.sup.reload({ dryRun: false })), /a: bad\n.*b: bad/);
  assert.deepStrictEqual(r.pids(), before);
  assert.equal(r.spawner.children.length, 1);
  assert.equal(r.spawner.signals.length, 0);
  assert.equal(r.events("reload-failed").length, 1);
  assert.equal(r.sup.info().lastReload?.ok, false);
  assert.deepStrictEqual(r.sup.info().reloads, { ok: 0, failed: 1 });
});

Deno.test("reload: reloads arriving while one runs fold into a single follow-up", async () => {
  // The first reload stays busy for stoptime: it waits for a TERM-ignoring removed program.
  const r = supervisorRig([prog("keep"), prog("stubborn", { stoptime: 2 })]);
  r.sup.startAutostart();
  r.next = { ok: true, config: configOf([prog("keep")]) };
  const first = r.sup.reload({ dryRun: false });
  await r.clock.flush();
  assert.equal(r.loads, 1);
  const more = [
    r.sup.reload({ dryRun: false }),
    r.sup.reload({ dryRun: false }),
    r.sup.reload({ dryRun: false }),
  ];
  assert.equal(more[0], more[1], "the same pending follow-up");
  await r.clock.drive(Promise.all([first, ...more]));
  assert.equal(r.loads, 2);
  assert.equal(r.events("reload").length, 2);
  assert.equal(r.elapsed(), 2000);
  assert.deepStrictEqual(r.sup.info().reloads, { ok: 2, failed: 0 }, "one per reload that ran");
});

Deno.test("reload counters: applied and failed counted, dry runs not", async () => {
  const r = supervisorRig([prog("keep")]);
  r.sup.startAutostart();
  assert.deepStrictEqual(r.sup.info().reloads, { ok: 0, failed: 0 });
  r.next = { ok: true, config: configOf([prog("keep")]) };
  await r.clock.drive(r.sup.reload({ dryRun: true }));
  await r.clock.drive(r.sup.reload({ dryRun: false }));
  r.next = { ok: false, errors: [{ text: "t.yaml:1:1: a: bad" }] as ConfigError[] };
  await assert.rejects(r.clock.drive(r.sup.reload({ dryRun: true })));
  await assert.rejects(r.clock.drive(r.sup.reload({ dryRun: false })));
  assert.deepStrictEqual(r.sup.info().reloads, { ok: 1, failed: 1 });
});
