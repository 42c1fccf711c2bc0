import assert from "node:assert/strict";
import { loadConfig } from "../../../src/config/load.ts";

const DIR = new URL("../../fixtures/configs/", import.meta.url).pathname;

Deno.test("loadConfig: fixtures load, relative to the config's folder", async () => {
  const r = await loadConfig(`${DIR}minimal.yaml`);
  assert.ok(r.ok);
  assert.equal(r.config.daemon.socket, `${DIR}taskmasterd.sock`);
  // Inline secrets would need a 0600 file, which git cannot record: the fixture uses the env.
  const f = await loadConfig(`${DIR}full.yaml`, {
    env: (name) => name === "TM_FIXTURE_SMTP_PASSWORD" ? "p" : undefined,
  });
  if (!f.ok) throw new Error(f.errors.map((e) => e.text).join("\n"));
  assert.equal(f.config.daemon.logfile, `${DIR}logs/taskmasterd.log`);
  assert.equal(f.config.programs[0]!.umask, 0o22);
  assert.equal(f.config.daemon.alerts.httpError, false);
});

Deno.test("loadConfig: each bad fixture fails with exactly its error", async () => {
  const cases: [string, string][] = [
    [
      "bad_numprocs.yaml",
      ":4:15: programs.web.numprocs: must be an integer from 1 to 10000 (got 0)",
    ],
    ["bad_unknown_key.yaml", ':4:5: programs.web.numproc: unknown key (did you mean "numprocs"?)'],
    ["bad_syntax.yaml", ":4:1: YAML syntax error: "],
    ["bad_empty.yaml", ": config file is empty"],
  ];
  for (const [name, tail] of cases) {
    const file = `${DIR}${name}`;
    const r = await loadConfig(file);
    assert.ok(!r.ok, name);
    assert.ok(r.errors[0]!.text.startsWith(file + tail), r.errors[0]!.text);
  }
});

Deno.test("loadConfig: file-level errors keep the path as passed", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const missing = await loadConfig(`${dir}/nope.yaml`);
    assert.ok(!missing.ok);
    assert.equal(missing.errors[0]!.text, `${dir}/nope.yaml: cannot read config: no such file`);
    const isDir = await loadConfig(dir);
    assert.ok(!isDir.ok && /not a regular file/.test(isDir.errors[0]!.text));
    await Deno.writeFile(`${dir}/bin.yaml`, new Uint8Array([0xff, 0xfe, 0x00]));
    const bin = await loadConfig(`${dir}/bin.yaml`);
    assert.ok(!bin.ok && /UTF-8/.test(bin.errors[0]!.text));
    await Deno.writeTextFile(`${dir}/locked.yaml`, "programs: {}\n");
    await Deno.chmod(`${dir}/locked.yaml`, 0o000);
    const locked = await loadConfig(`${dir}/locked.yaml`);
    // As root the read succeeds; as anyone else it is a permission error. Both are fine.
    assert.ok(locked.ok || /permission denied/.test(locked.errors[0]!.text));
    const rel = await loadConfig("tests/fixtures/configs/bad_numprocs.yaml");
    assert.ok(!rel.ok);
    assert.ok(rel.errors[0]!.text.startsWith("tests/fixtures/configs/bad_numprocs.yaml:4:15:"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
