/**
 * B6/B7 (docs/reliability.md): hostile config values and YAML bombs through parseConfigText. Every bad
 * value is rejected with an error naming its key path and line; bombs are rejected without
 * expanding (target 200 ms, printed; asserted as a deadline far from normal, since an expansion
 * takes minutes); octal umasks are read as octal (docs/config.md "umask").
 */
import assert from "node:assert/strict";
import { loadConfig, parseConfigText } from "../../src/config/load.ts";
import type { ConfigError, LoadResult } from "../../src/config/types.ts";
import { snapshotPrototypes } from "./lib/prototypes.ts";

const FILE = "hostile.yaml";
const ABS = "/tmp/tm-reliability/hostile.yaml";
/** Refusals take a few ms; an expanding parse would take minutes. Far from both. */
const BOUNDED_MS = 5000;

function parse(text: string): LoadResult {
  return parseConfigText(text, FILE, ABS);
}

/** A program `p` (line 3 is `p:`, line 4 `cmd`) with `extra` lines appended at 4 spaces. */
function program(extra: string): string {
  return `taskmaster:\n  http: false\nprograms:\n  p:\n    cmd: /bin/sleep 10\n${extra}`;
}

/** Line (1-based) of the first line of `text` that starts with `needle` after indentation. */
function lineOf(text: string, needle: string): number {
  const index = text.split("\n").findIndex((l) => l.trimStart().startsWith(needle));
  assert(index >= 0, `no line starting with ${needle}`);
  return index + 1;
}

function errorsOf(result: LoadResult, label: string): readonly ConfigError[] {
  assert.equal(result.ok, false, `${label}: accepted`);
  return result.ok ? [] : result.errors;
}

/** [key, YAML value, the text the message must show]: each must be rejected at load. */
const BAD_VALUES: [string, string][] = [
  ["numprocs", "-1"],
  ["numprocs", "0"],
  ["numprocs", "1.5"],
  ["numprocs", '"3"'],
  ["numprocs", "1000000"],
  ["numprocs", "[1]"],
  ["autorestart", "sometimes"],
  ["autorestart", "yes please"],
  ["exitcodes", "256"],
  ["exitcodes", "-1"],
  ["exitcodes", '"0"'],
  ["exitcodes", "[]"],
  ["exitcodes", "[0, 300]"],
  ["startretries", "-1"],
  ["startretries", "1.5"],
  ["starttime", "-5"],
  ["starttime", "5s"],
  ["stoptime", "-1"],
  ["stoptime", ".nan"],
  ["stoptime", ".inf"],
  ["stopsignal", "SIGFOO"],
  ["stopsignal", "9999"],
  ["stopsignal", "9"],
  ["stopsignal", "SIGSTOP"],
  ["umask", '"0999"'],
  ["umask", "0o1000"],
  ["umask", "1000"],
  ["umask", "-1"],
  ["umask", '"a=rwx"'],
  ["uid", "nonexistent-user-xyz"],
  ["uid", "4294967295"],
  ["gid", "nonexistent-group-xyz"],
  ["env", "{ A: { nested: map } }"],
  ["env", "{ A: [1, 2] }"],
  ["env", "{ A: null }"],
  ["env", '{ A: "nul\\0byte" }'],
  ["env", '{ "A=B": "x" }'],
  ["env", '{ "": "x" }'],
  ["env", "[A, B]"],
  ["maxrestartdelay", "-1"],
  ["workingdir", "[/tmp]"],
  ["stdout", "42"],
  ["numproc", "2"],
  ["comand", "/bin/true"],
  ["__proto__", "{ cmd: /bin/sh }"],
  ["constructor", "1"],
];

Deno.test("B6: every wrong-type or out-of-range value is rejected naming key and line", () => {
  const protos = snapshotPrototypes();
  let named = 0;
  for (const [key, value] of BAD_VALUES) {
    const text = program(`    ${key}: ${value}\n`);
    const label = `${key}: ${value}`;
    const started = performance.now();
    const errors = errorsOf(parse(text), label);
    const ms = performance.now() - started;
    assert(ms < BOUNDED_MS, `${label}: took ${ms.toFixed(0)} ms`);
    const hit = errors.find((e) =>
      e.path.startsWith(`programs.p.${key}`) || e.path === "programs.p"
    );
    assert(hit, `${label}: no error names programs.p.${key}: ${errors.map((e) => e.text)}`);
    assert.equal(hit.line, lineOf(text, `${key}:`), `${label}: wrong line in ${hit.text}`);
    assert.match(hit.text, new RegExp(`^${FILE}:\\d+:\\d+: `), `${label}: ${hit.text}`);
    // The value itself (or its shape) should be quoted back; count how often it is.
    if (hit.text.includes("got") || hit.text.includes(value.replace(/"/g, ""))) named++;
  }
  assert.deepEqual(protos.diff(), []);
  console.log(
    `B6: ${BAD_VALUES.length}/${BAD_VALUES.length} bad values rejected with key path and line; ` +
      `${named} quote the offending value`,
  );
});

Deno.test("B6: structural errors (empty cmd, duplicate keys, bad names) are rejected", () => {
  const cases: [string, string, RegExp][] = [
    ["empty cmd string", `programs:\n  p:\n    cmd: ""\n`, /programs\.p\.cmd/],
    ["empty cmd list", `programs:\n  p:\n    cmd: []\n`, /programs\.p\.cmd/],
    ["whitespace cmd", `programs:\n  p:\n    cmd: "   "\n`, /programs\.p\.cmd/],
    ["missing cmd", `programs:\n  p:\n    numprocs: 1\n`, /programs\.p/],
    [
      "duplicate program",
      `programs:\n  p:\n    cmd: /bin/true\n  p:\n    cmd: /bin/false\n`,
      /:4:\d+: /,
    ],
    ["duplicate key", `programs:\n  p:\n    cmd: /bin/true\n    cmd: /bin/false\n`, /:4:\d+: /],
    ["name all", `programs:\n  all:\n    cmd: /bin/true\n`, /programs/],
    ["name with slash", `programs:\n  "a/b":\n    cmd: /bin/true\n`, /programs/],
    ["name __proto__", `programs:\n  __proto__:\n    cmd: /bin/true\n`, /programs/],
    ["name with colon", `programs:\n  "a:1":\n    cmd: /bin/true\n`, /programs/],
    ["name too long", `programs:\n  ${"a".repeat(65)}:\n    cmd: /bin/true\n`, /programs/],
    ["name control char", `programs:\n  "a\\tb":\n    cmd: /bin/true\n`, /programs/],
    ["unknown top key", `programz: {}\n`, /programz|programs/],
    ["programs a list", `programs: [a, b]\n`, /programs/],
    ["empty file", ``, /empty/],
    ["only a comment", `# nothing\n`, /empty/],
    ["scalar document", `42\n`, /.+/],
    [
      "http 0.0.0.0 without token",
      `taskmaster:\n  http: { host: 0.0.0.0 }\nprograms: {}\n`,
      /http/,
    ],
    [
      "socket path too long",
      `taskmaster:\n  socket: /tmp/${"s".repeat(120)}\nprograms: {}\n`,
      /socket/,
    ],
  ];
  for (const [label, text, pattern] of cases) {
    const errors = errorsOf(parse(text), label);
    assert(
      errors.some((e) => pattern.test(e.text)),
      `${label}: ${errors.map((e) => e.text).join(" | ")}`,
    );
  }
  console.log(`B6: ${cases.length}/${cases.length} structural cases rejected`);
});

Deno.test("B6: umask is octal as written and never yields a world-writable mode", () => {
  const cases: [string, number][] = [
    ["022", 0o022],
    ["077", 0o077],
    ['"077"', 0o077],
    ["77", 0o077],
    ["0o027", 0o027],
    ['"0"', 0],
    ["002", 0o002],
    ["0777", 0o777],
  ];
  for (const [value, expected] of cases) {
    const result = parse(program(`    umask: ${value}\n`));
    assert(result.ok, `umask ${value}: ${!result.ok && result.errors.map((e) => e.text)}`);
    const umask = result.config.programs[0]?.umask;
    assert.equal(umask, expected, `umask ${value} read as 0o${umask?.toString(8)}`);
  }
  // `stopsignal` in any case with or without SIG is accepted (docs/config.md "stopsignal" wins over
  // B6's "term").
  for (const value of ["term", "SIGterm", "Term", "int", "USR2"]) {
    const result = parse(program(`    stopsignal: ${value}\n`));
    assert(result.ok, `stopsignal ${value} refused`);
  }
  console.log(`B6: ${cases.length} umask spellings read as octal`);
});

/** Alias bomb: `levels` levels each doubling (2^levels leaves), referenced from `env`. */
function doublingBomb(levels: number): string {
  let text = "x-bomb:\n  l0: &l0 [x, x]\n";
  for (let i = 1; i < levels; i++) text += `  l${i}: &l${i} [*l${i - 1}, *l${i - 1}]\n`;
  return text + `programs:\n  p:\n    cmd: *l${levels - 1}\n    env: { A: *l${levels - 1} }\n`;
}

function billionLaughs(): string {
  const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  const names = "abcdefghi";
  for (let i = 1; i < names.length; i++) {
    const prev = names[i - 1];
    lines.push(`${names[i]}: &${names[i]} [${Array(9).fill(`*${prev}`).join(",")}]`);
  }
  return lines.join("\n") + "\nprograms:\n  p:\n    cmd: *i\n";
}

function mergeFanOut(levels: number, width: number): string {
  let text = "x:\n  m0: &m0 { k0: 1 }\n";
  for (let i = 1; i < levels; i++) {
    text += `  m${i}: &m${i} { <<: [${Array(width).fill(`*m${i - 1}`).join(", ")}], k${i}: 1 }\n`;
  }
  return text + `programs:\n  p:\n    <<: *m${levels - 1}\n    cmd: /bin/true\n`;
}

const BOMBS: [string, () => string][] = [
  ["666-byte doubling alias bomb (2^31 leaves)", () => doublingBomb(31)],
  ["billion laughs", billionLaughs],
  ["merge-key << fan-out (10^8)", () => mergeFanOut(8, 10)],
  ["100k nested [", () => `programs:\n  p:\n    cmd: ${"[".repeat(100_000)}\n`],
  ["100k nested {", () => `programs: ${"{a: ".repeat(100_000)}\n`],
  ["1000 nested block maps", () => {
    let t = "programs:\n";
    for (let i = 0; i < 1000; i++) t += `${" ".repeat(i + 2)}k${i}:\n`;
    return t;
  }],
  ["1 MiB + 1 byte", () => `programs: {}\n#${"x".repeat(1024 * 1024)}`],
  ["!!js/function tag", () => `programs:\n  p:\n    cmd: !!js/function "function(){}"\n`],
  ["!custom tag", () => `programs:\n  p:\n    cmd: !shell rm -rf /\n`],
  [
    "%TAG directive",
    () => `%TAG !e! tag:evil.example,2000:\n---\nprograms:\n  p:\n    cmd: !e!x y\n`,
  ],
  ["10k anchors", () => {
    let t = "x:\n";
    for (let i = 0; i < 10_000; i++) t += `  - &a${i} v\n`;
    t += "programs:\n  p:\n    cmd: [";
    t += Array.from({ length: 10_000 }, (_, i) => `*a${i}`).join(",");
    return t + "]\n";
  }],
];

Deno.test("B7: YAML bombs are rejected in bounded time and ≤ 10 MB RSS growth", () => {
  const protos = snapshotPrototypes();
  const figures: string[] = [];
  let slowest = 0;
  for (const [label, build] of BOMBS) {
    const text = build();
    const rssBefore = Deno.memoryUsage().rss;
    const started = performance.now();
    const result = parse(text);
    const ms = performance.now() - started;
    const growth = (Deno.memoryUsage().rss - rssBefore) / 1024 / 1024;
    const errors = errorsOf(result, label);
    assert(errors.length > 0 && errors.length < 1000, `${label}: ${errors.length} errors`);
    for (const e of errors) assert(e.text.length < 2000, `${label}: ${e.text.length}-char message`);
    figures.push(`[${label.slice(0, 18)}] ${ms.toFixed(0)}ms/${growth.toFixed(1)}MB`);
    slowest = Math.max(slowest, ms);
    assert(ms < BOUNDED_MS, `${label}: took ${ms.toFixed(0)} ms (${errors[0]?.text})`);
    assert(growth <= 10, `${label}: RSS grew ${growth.toFixed(1)} MB`);
  }
  assert.deepEqual(protos.diff(), []);
  console.log(`B7: ${BOMBS.length}/${BOMBS.length} bombs rejected: ${figures.join(" ")}`);
  console.log(`B7 target: each refused within 200 ms ${slowest < 200 ? "met" : "MISSED"}`);
});

Deno.test("B7: a 50 MB config file is refused from its size, before reading", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tm-b7-" });
  try {
    const path = `${dir}/big.yaml`;
    const file = await Deno.open(path, { write: true, create: true });
    await file.truncate(50 * 1024 * 1024); // sparse: costs no disk
    file.close();
    const rssBefore = Deno.memoryUsage().rss;
    const started = performance.now();
    const result = await loadConfig(path);
    const ms = performance.now() - started;
    const growth = (Deno.memoryUsage().rss - rssBefore) / 1024 / 1024;
    const errors = errorsOf(result, "50 MB file");
    assert.match(errors[0]?.text ?? "", /1 MiB/);
    assert(ms < BOUNDED_MS, `took ${ms.toFixed(0)} ms`);
    assert(growth <= 10, `RSS grew ${growth.toFixed(1)} MB`);
    console.log(`B7: 50 MB file refused in ${ms.toFixed(1)} ms, RSS +${growth.toFixed(1)} MB`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "B7: errors found by the pre-scan carry 1-based lines pointing at the nesting",
  // BUG (src/config/parse_yaml.ts, prescan path): the LineCounter fed by hand lacks
  // `addNewLine(0)`, so every pre-scan error is one line too low (`100k nested {` on line 1 is
  // reported as `hostile.yaml:0:266`). Un-ignore once fixed.

  fn() {
    const deep = `programs: ${"{a: ".repeat(100_000)}\n`;
    const errors = errorsOf(parse(deep), "nested {");
    assert.equal(errors[0]?.line, 1, errors[0]?.text ?? "no error");
    const deepList = `programs:\n  p:\n    cmd: ${"[".repeat(100_000)}\n`;
    const listErrors = errorsOf(parse(deepList), "nested [");
    assert.equal(listErrors[0]?.line, 3, listErrors[0]?.text ?? "no error");
  },
});

Deno.test({
  name: "B7: YAML 1.1-only tags (!!binary, !!timestamp) are refused, not silently stringified",
  // BUG (src/config/parse_yaml.ts): `cmd: !!binary aGk=` is accepted and runs argv ["aGk="];
  // the `yaml` package resolves !!binary without a TAG_RESOLVE_FAILED warning, so the "unknown
  // tags rejected" rule of B7 does not see it. Un-ignore once tags outside the YAML 1.2 core
  // schema (!!str, !!int, !!float, !!bool, !!null, !!map, !!seq) are refused.

  fn() {
    errorsOf(parse(`programs:\n  p:\n    cmd: !!binary aGk=\n`), "!!binary");
    errorsOf(parse(`programs:\n  p:\n    cmd: !!timestamp 2001-12-14\n`), "!!timestamp");
  },
});
