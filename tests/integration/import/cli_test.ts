/**
 * `taskmasterd --import` through main.ts (docs/cli.md "Import"): exit codes 0/1/2, notes on
 * stderr, `-o` atomic and never over an existing file without `--force`, `--strict`, `--json`,
 * and the written file passing `taskmasterd -t`.
 */
import assert from "node:assert/strict";

const MAIN = new URL("../../../main.ts", import.meta.url).pathname;

async function run(...args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args],
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

Deno.test("import -o writes a file that passes -t; refuses to overwrite without --force", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tm-import-" });
  try {
    const conf = `${dir}/supervisord.conf`;
    await Deno.writeTextFile(
      conf,
      "[supervisord]\n[program:a]\ncommand=/bin/sleep 5\npriority=5\n",
    );
    const out = `${dir}/taskmaster.yaml`;
    const first = await run("--import", "supervisord", conf, "-o", out);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout, "");
    assert.match(first.stderr, /^note: a\.priority: dropped: /m);
    const check = await run("-t", "-c", out);
    assert.equal(check.code, 0, check.stderr);

    const again = await run("--import", "supervisord", conf, "-o", out);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /exists; not overwritten \(use --force\)/);
    const forced = await run("--import", "supervisord", conf, "-o", out, "--force", "--strict");
    assert.equal(forced.code, 1, "--strict with a dropped note exits 1");
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name).sort(), [
      "supervisord.conf",
      "taskmaster.yaml",
    ]);

    const json = await run("--import", "supervisord", conf, "--json");
    assert.equal(json.code, 0);
    const doc = JSON.parse(json.stdout);
    assert.match(doc.yaml, /^# Imported by taskmasterd --import supervisord from /);
    assert.deepEqual(doc.notes[0], {
      path: "a.priority",
      kind: "dropped",
      message: doc.notes[0].message,
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("import errors: bad input exits 1 naming FILE:LINE; usage exits 2; .js refused", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tm-import-" });
  try {
    const conf = `${dir}/bad.conf`;
    await Deno.writeTextFile(conf, "[program:a]\ncommand=/bin/x %(nope)s\n");
    const bad = await run("--import", "supervisord", conf, "-o", `${dir}/out.yaml`);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, new RegExp(`${conf}:2: program:a\\.command: `));
    assert.equal([...Deno.readDirSync(dir)].length, 1, "nothing written");
    assert.equal((await run("--import", "nginx", conf)).code, 2);
    assert.equal((await run("--import", "supervisord")).code, 2);
    const js = await run("--import", "pm2", `${dir}/ecosystem.config.js`);
    assert.equal(js.code, 1);
    assert.match(js.stderr, /never evaluated; export it to JSON first/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
