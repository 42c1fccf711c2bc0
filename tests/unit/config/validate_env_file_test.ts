/**
 * `env_file` at load: list forms, relative paths, precedence against `env`, and every file
 * hazard refused with an error naming the entry and the file (docs/config.md "env_file").
 */
import assert from "node:assert/strict";
import { parseConfigText } from "../../../src/config/load.ts";
import type { LoadResult } from "../../../src/config/types.ts";

async function withDir(fn: (dir: string) => Promise<void> | void): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "tm-envfile-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function write(dir: string, name: string, text: string, mode = 0o600): void {
  Deno.writeTextFileSync(`${dir}/${name}`, text);
  Deno.chmodSync(`${dir}/${name}`, mode);
}

/** Parses a one-program config (program `web`) living in `dir`. */
function load(dir: string, lines: string): LoadResult {
  const text = `programs:\n  web:\n    cmd: /bin/true\n${
    lines.split("\n").map((l) => "    " + l).join("\n")
  }\n`;
  return parseConfigText(text, "cfg.yaml", `${dir}/cfg.yaml`, { uid: 0, gid: 0, hostname: "box" });
}

function envOf(result: LoadResult): Record<string, string> {
  if (!result.ok) throw new Error(result.errors.map((e) => e.text).join("\n"));
  return { ...result.config.programs[0]!.env };
}

function errorsOf(result: LoadResult): string[] {
  assert(!result.ok, "expected errors");
  return result.errors.map((e) => e.text);
}

Deno.test("env_file: a single relative path", () =>
  withDir((dir) => {
    write(dir, ".env", "A=1\nB='two words'\n");
    assert.deepEqual(envOf(load(dir, "env_file: .env")), { A: "1", B: "two words" });
  }));

Deno.test("env_file: list order, then env over them", () =>
  withDir((dir) => {
    write(dir, "a.env", "A=a\nB=a\nC=a\n");
    write(dir, "b.env", "B=b\nC=b\n");
    const env = envOf(load(dir, "env_file: [a.env, b.env]\nenv: { C: env }"));
    assert.deepEqual(env, { A: "a", B: "b", C: "env" });
  }));

Deno.test("env_file: absolute paths and map items", () =>
  withDir((dir) => {
    write(dir, "x.env", "X=1\n");
    const result = load(
      dir,
      `env_file:\n  - { path: ${dir}/x.env }\n  - { path: missing.env, required: false }`,
    );
    assert.deepEqual(envOf(result), { X: "1" });
  }));

Deno.test("env_file: an empty list or null adds nothing", () =>
  withDir((dir) => {
    assert.deepEqual(envOf(load(dir, "env_file: []")), {});
    assert.deepEqual(envOf(load(dir, "env_file:")), {});
  }));

Deno.test("env_file: a missing required file is an error at the entry", () =>
  withDir((dir) => {
    assert.deepEqual(errorsOf(load(dir, "env_file: .env")), [
      "cfg.yaml:4:15: programs.web.env_file[0]: .env: no such file (add required: false if it may be absent)",
    ]);
  }));

Deno.test("env_file: bad lines name the env file's own line, every one", () =>
  withDir((dir) => {
    write(dir, "ok.env", "A=1\n");
    write(dir, ".env", '# c\nA=1\nB\nC=2\n\n\nD="x\n');
    assert.deepEqual(errorsOf(load(dir, "env_file:\n  - ok.env\n  - .env")), [
      'cfg.yaml:6:9: programs.web.env_file[1]: .env:3: missing "=" after B',
      "cfg.yaml:6:9: programs.web.env_file[1]: .env:7: unterminated double quote",
    ]);
  }));

Deno.test("env_file: item shapes are checked", () =>
  withDir((dir) => {
    const texts = errorsOf(load(
      dir,
      "env_file:\n  - [a]\n  - { required: false }\n  - { path: x, requird: false }\n  - { path: x, required: 3 }\n  - ''",
    ));
    assert.equal(texts.length, 5, texts.join("\n"));
    assert.match(texts[0]!, /env_file\[0\]: must be a path or \{ path, required: false \}/);
    assert.match(texts[1]!, /env_file\[1\]: missing required key "path"/);
    assert.match(texts[2]!, /env_file\[2\]\.requird: unknown key \(did you mean "required"\?\)/);
    assert.match(texts[3]!, /env_file\[3\]\.required: must be true or false/);
    assert.match(texts[4]!, /env_file\[4\]: must be a non-empty string/);
  }));

Deno.test("env_file: a typo of the key gets a hint", () =>
  withDir((dir) => {
    assert.match(errorsOf(load(dir, "envfile: .env"))[0]!, /did you mean "env_file"\?/);
  }));

Deno.test("env_file: values may span lines; NUL is refused", () =>
  withDir((dir) => {
    write(dir, "ml.env", "A=\"l1\\nl2\"\nB='x\ny'\n");
    assert.deepEqual(envOf(load(dir, "env_file: ml.env")), { A: "l1\nl2", B: "x\ny" });
    write(dir, "nul.env", "A=x\0\n");
    assert.match(errorsOf(load(dir, "env_file: nul.env"))[0]!, /nul\.env:1: NUL character/);
  }));

const HAZARDS: readonly [string, (dir: string) => void, RegExp][] = [
  ["a directory", (dir) => Deno.mkdirSync(`${dir}/h`), /h: is a directory/],
  ["a FIFO (never opened)", (dir) => mkfifo(`${dir}/h`), /h: is a FIFO/],
  ["a symlink loop", (dir) => {
    Deno.symlinkSync(`${dir}/h2`, `${dir}/h`);
    Deno.symlinkSync(`${dir}/h`, `${dir}/h2`);
  }, /h: symlink loop/],
  ["a device", (dir) => Deno.symlinkSync("/dev/zero", `${dir}/h`), /h: is a device/],
  [
    "over 1 MiB",
    (dir) => write(dir, "h", "A=" + "x".repeat(1024 * 1024) + "\n"),
    /larger than 1 MiB/,
  ],
  [
    "group-writable",
    (dir) => write(dir, "h", "A=1\n", 0o620),
    /writable by group or others \(mode 0620\)/,
  ],
  ["world-writable", (dir) => write(dir, "h", "A=1\n", 0o602), /writable by group or others/],
  ["owned by another user", (dir) => {
    write(dir, "h", "A=1\n");
    Deno.chownSync(`${dir}/h`, 4321, 4321);
  }, /owned by uid 4321, neither root nor the daemon's user/],
  ["in a group-writable folder", (dir) => {
    Deno.mkdirSync(`${dir}/d`);
    write(dir, "d/x", "A=1\n");
    Deno.symlinkSync(`${dir}/d/x`, `${dir}/h`);
    Deno.chmodSync(`${dir}/d`, 0o770);
  }, /its folder .*\/d is writable by group or others/],
  [
    "a pseudo file under /proc",
    (dir) => Deno.symlinkSync("/proc/self/status", `${dir}/h`),
    /h: is on \/proc or \/sys/,
  ],
  [
    "invalid UTF-8",
    (dir) => Deno.writeFileSync(`${dir}/h`, new Uint8Array([65, 61, 0xff, 10]), { mode: 0o600 }),
    /h: not valid UTF-8/,
  ],
];

function mkfifo(path: string): void {
  const out = new Deno.Command("mkfifo", { args: [path] }).outputSync();
  assert(out.success, "mkfifo failed");
}

for (const [name, stage, expected] of HAZARDS) {
  Deno.test(`env_file: refused: ${name}`, () =>
    withDir((dir) => {
      stage(dir);
      const texts = errorsOf(load(dir, "env_file: { path: h, required: false }"));
      assert.equal(texts.length, 1, texts.join("\n"));
      assert.match(texts[0]!, /^cfg\.yaml:4:15: programs\.web\.env_file\[0\]: h: /);
      assert.match(texts[0]!, expected);
    }));
}

Deno.test("env_file: a dangling symlink counts as missing", () =>
  withDir((dir) => {
    Deno.symlinkSync(`${dir}/nowhere`, `${dir}/h`);
    assert.deepEqual(envOf(load(dir, "env_file: { path: h, required: false }")), {});
    assert.match(errorsOf(load(dir, "env_file: h"))[0]!, /h: no such file/);
  }));

Deno.test("env_file: a sticky world-writable folder like /tmp is accepted", () =>
  withDir((dir) => {
    Deno.mkdirSync(`${dir}/t`);
    Deno.chmodSync(`${dir}/t`, 0o1777);
    write(dir, "t/x", "A=1\n");
    assert.deepEqual(envOf(load(dir, "env_file: t/x")), { A: "1" });
  }));
