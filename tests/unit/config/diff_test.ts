import assert from "node:assert/strict";
import { diffConfigs } from "../../../src/config/diff.ts";
import type { Config, ProgramSpec } from "../../../src/config/types.ts";
import { makeSpec } from "../../helpers/specs.ts";

function config(programs: ProgramSpec[]): Config {
  return {
    file: "t.yaml",
    path: "/t.yaml",
    daemon: {} as Config["daemon"],
    programs,
  };
}

function names(specs: { name: string }[]): string[] {
  return specs.map((s) => s.name);
}

Deno.test("diffConfigs() sorts programs into added, removed, unchanged, changed", () => {
  const a = makeSpec({ name: "a" });
  const b = makeSpec({ name: "b" });
  const c = makeSpec({ name: "c" });
  const d = makeSpec({ name: "d" });
  const diff = diffConfigs(
    config([a, b, c]),
    config([{ ...b, order: 0 }, { ...c, numprocs: 3, order: 1 }, { ...d, order: 2 }]),
  );
  assert.deepStrictEqual(names(diff.added), ["d"]);
  assert.deepStrictEqual(names(diff.removed), ["a"]);
  assert.deepStrictEqual(names(diff.unchanged), ["b"]);
  assert.deepStrictEqual(diff.changed.map((c) => [c.next.name, c.restart]), [["c", false]]);
});

Deno.test("diffConfigs() marks shaping fields as restart, policy fields as live", () => {
  const base = makeSpec();
  const shaping: Partial<ProgramSpec>[] = [
    { argv: ["/bin/false"] },
    { env: { A: "1" } },
    { workingdir: "/tmp" },
    { umask: 0o22 },
    { identity: { uid: 1, gid: 1, user: "x", home: "/" } },
    { stdout: { kind: "none" } },
    { stderr: { kind: "file", path: "/tmp/x" } },
    { logmaxbytes: 1 },
    { logbackups: 1 },
  ];
  for (const patch of shaping) {
    const diff = diffConfigs(config([base]), config([{ ...base, ...patch }]));
    assert.deepStrictEqual(diff.changed.map((c) => c.restart), [true], JSON.stringify(patch));
  }
  const policy: Partial<ProgramSpec>[] = [
    { autostart: false },
    { autorestart: "always" },
    { exitcodes: [0, 2] },
    { startretries: 9 },
    { starttime: 0 },
    { stopsignal: "SIGINT" },
    { stoptime: 1 },
    { numprocs: 2 },
    { maxrestartdelay: 0 },
  ];
  for (const patch of policy) {
    const diff = diffConfigs(config([base]), config([{ ...base, ...patch }]));
    assert.deepStrictEqual(diff.changed.map((c) => c.restart), [false], JSON.stringify(patch));
  }
});

Deno.test("diffConfigs() handles hostile names as plain keys", () => {
  const proto = makeSpec({ name: "__proto__" });
  const ctor = makeSpec({ name: "constructor" });
  const diff = diffConfigs(config([proto]), config([ctor, { ...proto, order: 1 }]));
  assert.deepStrictEqual(names(diff.added), ["constructor"]);
  assert.deepStrictEqual(names(diff.unchanged), ["__proto__"]);
  assert.deepStrictEqual(diff.removed, []);
});
