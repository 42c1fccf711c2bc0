/**
 * B7 (docs/reliability.md): YAML bombs and huge inputs are rejected quickly, never crash or
 * pollute.
 */
import assert from "node:assert/strict";
import { loadConfig } from "../../../src/config/load.ts";
import { parse } from "./helpers.ts";

/**
 * "Bounded time": each input here is refused in a few ms (the speed itself is `deno task bench`'s
 * business); an input that expanded would take minutes or run out of memory. The deadline sits
 * far from both, so a loaded machine never fails it and an expansion always does.
 */
const BOUNDED_MS = 5000;

function rejectedFast(text: string, re: RegExp): void {
  const t0 = performance.now();
  const r = parse(text);
  const ms = performance.now() - t0;
  assert.ok(!r.ok, "must be rejected");
  assert.ok(r.errors.some((e) => re.test(e.text)), r.errors.map((e) => e.text).join("\n"));
  assert.ok(ms < BOUNDED_MS, `took ${ms.toFixed(1)} ms`);
}

/** The 666-byte style bomb: 9 levels of 9 aliases (9^9 = 387M leaves) inside a program. */
function aliasBomb(): string {
  let s =
    'programs:\n  web:\n    cmd: x\n    env:\n      A: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
  const names = "abcdefghi";
  for (let i = 1; i < names.length; i++) {
    const p = names[i - 1];
    s += `      ${names[i]!.toUpperCase()}: &${names[i]} [${Array(9).fill("*" + p).join(",")}]\n`;
  }
  return s;
}

Deno.test("B7: alias bomb is rejected in bounded time", () => {
  rejectedFast(aliasBomb(), /alias|resource exhaustion/i);
});

Deno.test("B7: billion laughs at top level is rejected in bounded time", () => {
  let s = 'lol0: &lol0 "lol"\n';
  for (let i = 1; i <= 9; i++) {
    s += `lol${i}: &lol${i} [${Array(10).fill(`*lol${i - 1}`).join(",")}]\n`;
  }
  rejectedFast(s + "programs: {}\n", /alias|resource exhaustion|unknown key/i);
});

Deno.test("B7: 100k nesting (flow and block) is rejected in bounded time", () => {
  rejectedFast("programs: " + "[".repeat(100_000), /nesting too deep/);
  rejectedFast("programs: " + "{a: ".repeat(100_000), /nesting too deep/);
  rejectedFast("programs:\n" + "- ".repeat(100_000) + "x\n", /nesting too deep/);
  const indented = Array.from({ length: 1000 }, (_, i) => " ".repeat(i) + "a:").join("\n");
  rejectedFast(indented, /nesting too deep/);
});

Deno.test("B7: many aliases are refused before the slow parser sees them", () => {
  const s = "programs:\n  web: &w\n    cmd: x\n  x: [" + Array(5000).fill("*w").join(",") + "]\n";
  rejectedFast(s, /too many aliases/);
});

Deno.test("B7: merge-key fan-out does not explode", () => {
  let s = "programs:\n  p0: &m0 { cmd: x }\n";
  for (let i = 1; i <= 12; i++) {
    s += `  p${i}: &m${i} { <<: [${Array(8).fill(`*m${i - 1}`).join(", ")}] }\n`;
  }
  const t0 = performance.now();
  const r = parse(s);
  assert.ok(performance.now() - t0 < BOUNDED_MS);
  assert.ok(!r.ok);
  assert.match(r.errors[0]!.text, /merge|alias/i);
});

Deno.test("B7: custom tags like !!js/function are rejected", () => {
  rejectedFast(
    'programs:\n  web:\n    cmd: !!js/function "function(){}"\n',
    /Unresolved tag.*custom tags/,
  );
  rejectedFast("programs:\n  web:\n    cmd: !shell x\n", /Unresolved tag: !shell/);
  rejectedFast("programs: !!set { a }\n", /Unresolved tag|must be a map|is not allowed/);
});

Deno.test("B7: 50 MB text is refused by size before parsing", () => {
  rejectedFast("a: " + "x".repeat(50 * 1024 * 1024), /larger than 1 MiB/);
});

Deno.test("B7: 50 MB file is refused from its size (stat first)", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const f = `${dir}/big.yaml`;
    const fh = await Deno.open(f, { write: true, create: true });
    await fh.truncate(50 * 1024 * 1024);
    fh.close();
    const t0 = performance.now();
    const r = await loadConfig(f);
    assert.ok(performance.now() - t0 < BOUNDED_MS);
    assert.ok(!r.ok);
    assert.equal(
      r.errors[0]!.text,
      `${f}: file is larger than 1 MiB (52428800 bytes); refusing to parse it`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("hostile keys never pollute prototypes", () => {
  const r = parse(`__proto__: { polluted: 1 }
programs:
  web:
    cmd: x
    env: { __proto__: x, constructor: y, polluted: z }
`);
  assert.ok(!r.ok);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  const c = parse("programs:\n  web:\n    cmd: x\n    env: { __proto__: x }\n");
  assert.ok(c.ok);
  assert.equal(Object.getOwnPropertyDescriptor(c.config.programs[0]!.env, "__proto__")?.value, "x");
  assert.equal(({} as Record<string, unknown>).x, undefined);
});

Deno.test("garbage input never throws", () => {
  const samples = [
    "\0\0\0",
    "{",
    "]]]",
    "&a *a",
    "a: *nope",
    "programs: { a: &x { cmd: *x } }",
    "? [a]\n: b\n",
    "programs:\n  ? [a]\n  : { cmd: x }\n",
    "---\na: 1\n---\nb: 2\n",
    "\uFEFFprograms: {}\n",
    "programs: {a: {cmd: x, <<: 5}}",
    "%YAML 1.1\n---\nprograms: {}\n",
  ];
  for (const s of samples) {
    const r = parse(s);
    assert.equal(typeof r.ok, "boolean");
  }
  let seed = 1;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const alphabet = "ab: -[]{},&*!|>'\"#\n  <<%@`\\0";
  for (let i = 0; i < 500; i++) {
    let s = "";
    const n = Math.floor(rnd() * 80);
    for (let j = 0; j < n; j++) s += alphabet[Math.floor(rnd() * alphabet.length)];
    const r = parse(s);
    assert.equal(typeof r.ok, "boolean", JSON.stringify(s));
  }
});

Deno.test("merge fan-out below the alias cap is still bounded by the merge budget", () => {
  // Few aliases (toJS's cap is not hit) but each level merges the previous one 3 times.
  let s = "programs:\n  p0: &m0 { cmd: x }\n";
  for (let i = 1; i <= 30; i++) s += `  p${i}: &m${i} { <<: [*m${i - 1}, *m${i - 1}] }\n`;
  const t0 = performance.now();
  const r = parse(s);
  assert.ok(performance.now() - t0 < BOUNDED_MS, "bounded time");
  assert.equal(typeof r.ok, "boolean");
});
