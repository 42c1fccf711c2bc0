import assert from "node:assert/strict";
import { bin, config, spec, withRig } from "./harness.ts";
import type { ConfigError } from "../../../src/config/types.ts";

function pids(r: { sup: { status(n: string[]): { name: string; pid: number | null }[] } }) {
  return Object.fromEntries(r.sup.status([]).map((s) => [s.name, s.pid]));
}

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

Deno.test("reload: an invalid config keeps everything and reports every error", async () => {
  const cfg = config([spec("keep", [bin("forever")])]);
  await withRig(cfg, async (r) => {
    r.sup.startAutostart();
    await r.waitEvent("running", "keep");
    const before = pids(r);
    const errors = [{ text: "t.yaml:1:1: a: bad" }, {
      text: "t.yaml:2:1: b: bad",
    }] as ConfigError[];
    r.next = { ok: false, errors };
    await assert.rejects(r.sup.reload({ dryRun: false }), /a: bad\n.*b: bad/);
    assert.deepStrictEqual(pids(r), before);
    assert.equal(r.events("reload-failed").length, 1);
    assert.equal(r.sup.info().lastReload?.ok, false);
  });
});

Deno.test("reload: concurrent reloads fold into one follow-up", async () => {
  const cfg = config([spec("keep", [bin("forever")])]);
  await withRig(cfg, async (r) => {
    let loads = 0;
    const next = r.next;
    const original = r.sup;
    // Count loads: the rig's loader reads `r.next` once per load.
    Object.defineProperty(r, "next", {
      get() {
        loads++;
        return next;
      },
    });
    const first = original.reload({ dryRun: false });
    while (loads === 0) await Promise.resolve();
    // The first reload is running: the next three fold into exactly one more.
    await Promise.all([
      first,
      original.reload({ dryRun: false }),
      original.reload({ dryRun: false }),
      original.reload({ dryRun: false }),
    ]);
    assert.equal(loads, 2);
  });
});
