/**
 * Env file fuzzer (docs/config.md "env_file format"): random and mutated env files through the
 * parser and through the whole config loader (fake file system) for a bounded time (FUZZ_MS,
 * default 3 s) with a printed seed (FUZZ_SEED reproduces a run). The parser must never throw; the
 * loader must answer with variables or config errors naming the entry and the file; a written-out
 * set of variables must read back identical.
 */
import assert from "node:assert/strict";
import { parseEnvFile } from "../../src/config/env_file_parse.ts";
import type { EnvFileFs } from "../../src/config/env_file_read.ts";
import { parseConfigText } from "../../src/config/load.ts";
import { fuzzBudgetMs, fuzzSeed, mutateText, Rng } from "./fuzz_util.ts";

const TOKENS = [
  "=",
  "'",
  '"',
  "\\",
  "#",
  " #",
  "\n",
  "\r\n",
  "\r",
  "\t",
  " ",
  "export ",
  "\uFEFF",
  "\0",
  "$X",
  "${X}",
  "`id`",
  "\\n",
  '\\"',
  "A=",
  "_B=",
  "1=",
  "é",
  "✓",
  "\u{1F600}",
];

const SEED_TEXT = [
  "# comment",
  "export A=1",
  "B = 'single # x'",
  'C="double\\n\\t\\$ \\q"',
  "D=b#c",
  "E=b #c",
  "F=",
  'G="multi',
  'line"',
  "",
].join("\n");

const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The file as a double-quoted writer would produce it. */
function serialize(vars: [string, string][]): string {
  return vars.map(([k, v]) =>
    `${k}="${
      v.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("$", "\\$").replaceAll(
        "\r",
        "\\r",
      )
    }"`
  ).join("\n");
}

function randomVars(rng: Rng): [string, string][] {
  const out: [string, string][] = [];
  const alphabet = "abZ_09 #'\"\\$\n\t=é✓";
  for (let i = 0; i < 1 + rng.int(6); i++) {
    const key = `${rng.pick(["A", "_", "k"])}${rng.int(1000)}_${i}`;
    let value = "";
    for (let j = 0; j < rng.int(20); j++) value += rng.pick([...alphabet]);
    out.push([key, value]);
  }
  return out;
}

function fakeFs(text: string): EnvFileFs {
  const info = (isFile: boolean) =>
    ({
      isFile,
      isDirectory: !isFile,
      isSymlink: false,
      size: text.length,
      mode: isFile ? 0o100600 : 0o40700,
      uid: 0,
    }) as Deno.FileInfo;
  return {
    lstat: () => info(true),
    stat: (path) => info(!path.endsWith("/app")),
    realPath: (path) => path,
    readFile: () => new TextEncoder().encode(text),
  };
}

const CONFIG = "programs:\n  web:\n    cmd: /bin/true\n    env_file: .env\n";
const ERROR_FORM =
  /^cfg\.yaml:4:15: programs\.web\.env_file\[0\]: \.env(:\d+)?: \S|^cfg\.yaml: \d+ more error\(s\) not shown$/;

Deno.test("env file fuzzer: the parser never throws; the loader answers with config errors", () => {
  const seed = fuzzSeed();
  const ms = fuzzBudgetMs(3_000);
  console.log(`env file fuzzer: FUZZ_SEED=${seed} FUZZ_MS=${ms}`);
  const rng = new Rng(seed);
  const deadline = performance.now() + ms;
  let runs = 0;
  let text = SEED_TEXT;
  while (performance.now() < deadline) {
    runs++;
    text = rng.chance(0.1) ? SEED_TEXT : mutateText(rng, text, TOKENS, SEED_TEXT);
    if (text.length > 4096) text = text.slice(0, 4096);
    let result;
    try {
      result = parseEnvFile(text);
    } catch (error) {
      assert.fail(`parser threw ${error} on ${JSON.stringify(text)} (FUZZ_SEED=${seed})`);
    }
    const lines = text.split("\n").length;
    if (result.ok) {
      for (const [key, value] of Object.entries(result.vars)) {
        assert.match(key, KEY);
        assert(!value.includes("\0"), `NUL accepted in ${JSON.stringify(text)}`);
      }
    } else {
      assert(result.problems.length > 0);
      for (const p of result.problems) {
        assert(p.line >= 1 && p.line <= lines && p.col >= 1 && p.message !== "", JSON.stringify(p));
      }
    }
    if (runs % 8 === 0) {
      const loaded = parseConfigText(CONFIG, "cfg.yaml", "/srv/app/cfg.yaml", {
        uid: 0,
        gid: 0,
        hostname: "box",
        envFileFs: fakeFs(text),
      });
      if (loaded.ok) assert(result.ok, "loader accepted what the parser refused");
      else for (const e of loaded.errors) assert.match(e.text, ERROR_FORM);
    }
    const vars = randomVars(rng);
    const back = parseEnvFile(serialize(vars));
    assert(back.ok, `round trip failed for ${JSON.stringify(vars)}`);
    assert.deepEqual({ ...back.vars }, Object.fromEntries(vars));
  }
  console.log(`env file fuzzer: ${runs} inputs, no failure`);
  assert(runs > 0);
});
