import assert from "node:assert/strict";
import { bin, config, spec, withRig } from "./harness.ts";

function pids(r: { sup: { status(n: string[]): { name: string; pid: number | null }[] } }) {
  return Object.fromEntries(r.sup.status([]).map((s) => [s.name, s.pid]));
}

// Reload rules with fakes (which instance is spawned or signalled, the reload waiting for
// removed programs, invalid configs, concurrent reloads folding) are in
// tests/unit/supervisor/reload_test.ts; this one checks that real children survive a reload.
Deno.test("reload: unchanged keep pids, added start, removed stop, numprocs delta, policy live, shaping restarts", async () => {
  const keep = spec("keep", [bin("forever")]);
  const gone = spec("gone", [bin("forever")]);
  const grow = spec("grow", [bin("forever")]);
  const shrink = spec("shrink", [bin("forever")], { numprocs: 3 });
  const policy = spec("policy", [bin("forever")]);
  const shaped = spec("shaped", [bin("forever")]);
  const idle = spec("idle", [bin("forever")], { autostart: false });
  const cfg = config([keep, gone, grow, shrink, policy, shaped, idle]);
  await withRig(cfg, async (r) => {
    r.sup.startAutostart();
    await Promise.all(
      ["keep", "gone", "grow", "shrink:2", "policy", "shaped"].map((n) =>
        r.waitEvent("running", n)
      ),
    );
    const before = pids(r);
    r.next = {
      ok: true,
      config: config([
        keep,
        { ...grow, numprocs: 3 },
        { ...shrink, numprocs: 1 },
        { ...policy, stoptime: 1, autorestart: "always" },
        { ...shaped, env: { NEW: "1" } },
        { ...idle, env: { NEW: "1" } },
        spec("fresh", [bin("forever")]),
      ]),
    };
    const plan = await r.sup.reload({ dryRun: true });
    assert.deepStrictEqual(plan, {
      added: ["fresh"],
      changed: ["grow", "shrink", "policy", "shaped", "idle"],
      removed: ["gone"],
      unchanged: ["keep"],
    });
    assert.deepStrictEqual(pids(r), before, "dry run changes nothing");
    await r.sup.reload({ dryRun: false });
    const after = pids(r);
    const states = Object.fromEntries(r.sup.status([]).map((s) => [s.name, s.state]));
    assert.equal(after.keep, before.keep);
    assert.equal("gone" in after, false);
    assert.equal(r.events("stopped", "gone").length, 1);
    assert.equal(after["grow:0"], before.grow, "grow keeps its process as grow:0");
    assert.ok(["STARTING", "RUNNING"].includes(states["grow:2"] ?? ""));
    assert.equal(after.shrink, before["shrink:0"]);
    assert.equal(r.events("stopped", "shrink:2").length, 1);
    assert.equal(after.policy, before.policy, "policy-only change keeps the pid");
    assert.equal(r.sup.instances().find((i) => i.name === "policy")?.spec.stoptime, 1);
    assert.notEqual(after.shaped, before.shaped);
    assert.ok(["STARTING", "RUNNING"].includes(states.shaped ?? ""));
    assert.equal(states.idle, "STOPPED", "a stopped program stays stopped");
    assert.ok(["STARTING", "RUNNING"].includes(states.fresh ?? ""));
    assert.equal(r.events("reload").length, 1);
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
});
