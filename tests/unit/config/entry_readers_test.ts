import assert from "node:assert/strict";
import { isScalar } from "yaml";
import {
  readBool,
  readInt,
  readSeconds,
  readString,
  scalarOf,
  writtenText,
} from "../../../src/config/entry_readers.ts";
import type { Ctx, Entry } from "../../../src/config/yaml_nodes.ts";
import { ctxFor, rootOf } from "./helpers.ts";

/** A context over `k: VALUE` and the entry of `k`. */
function entry(value: string): { ctx: Ctx; e: Entry } {
  const ctx = ctxFor(`k: ${value}\n`);
  return { ctx, e: rootOf(ctx).get("k")! };
}

/** The single error text reported while reading, or null when none. */
function errorOf(ctx: Ctx): string | null {
  const texts = ctx.errors.result().map((e) => e.text);
  assert.ok(texts.length <= 1, texts.join("\n"));
  return texts[0] ?? null;
}

Deno.test("readInt accepts integers in range, reports the bounds and the value otherwise", () => {
  const good = entry("7");
  assert.equal(readInt(good.ctx, good.e, 1, 10), 7);
  assert.equal(errorOf(good.ctx), null);
  const cases: [string, string][] = [
    ["0", "cfg.yaml:1:4: k: must be an integer from 1 to 10 (got 0)"],
    ["11", "cfg.yaml:1:4: k: must be an integer from 1 to 10 (got 11)"],
    ["1.5", "cfg.yaml:1:4: k: must be an integer from 1 to 10 (got 1.5)"],
    ['"3"', 'cfg.yaml:1:4: k: must be an integer from 1 to 10 (got "3")'],
    ["true", "cfg.yaml:1:4: k: must be an integer from 1 to 10 (got true)"],
    ["[1]", "cfg.yaml:1:4: k: must be an integer from 1 to 10 (got a list)"],
    ["", "cfg.yaml:1:1: k: must be an integer from 1 to 10 (got nothing)"],
  ];
  for (const [text, message] of cases) {
    const { ctx, e } = entry(text);
    assert.equal(readInt(ctx, e, 1, 10), undefined, text);
    assert.equal(errorOf(ctx), message, text);
  }
});

Deno.test("readInt without a maximum says '≥ min' and refuses unsafe integers", () => {
  const { ctx, e } = entry("-1");
  assert.equal(readInt(ctx, e, 0), undefined);
  assert.equal(errorOf(ctx), "cfg.yaml:1:4: k: must be an integer ≥ 0 (got -1)");
  const big = entry("9007199254740993");
  assert.equal(readInt(big.ctx, big.e, 0), undefined);
  const hex = entry("0x10");
  assert.equal(readInt(hex.ctx, hex.e, 0), 16);
});

Deno.test("readSeconds accepts finite numbers ≥ 0, fractions included", () => {
  for (const [text, value] of [["0", 0], ["0.25", 0.25], ["3", 3]] as const) {
    const { ctx, e } = entry(text);
    assert.equal(readSeconds(ctx, e), value);
  }
  for (const text of ["-1", ".inf", ".nan", '"5s"', "{}"]) {
    const { ctx, e } = entry(text);
    assert.equal(readSeconds(ctx, e), undefined, text);
    assert.match(errorOf(ctx)!, /must be a number of seconds ≥ 0 \(got /, text);
  }
});

Deno.test("readBool accepts only YAML 1.2 true/false", () => {
  for (const [text, value] of [["true", true], ["false", false], ["True", true]] as const) {
    const { ctx, e } = entry(text);
    assert.equal(readBool(ctx, e), value, text);
  }
  for (const text of ["yes", "on", "1", '"true"']) {
    const { ctx, e } = entry(text);
    assert.equal(readBool(ctx, e), undefined, text);
    assert.match(errorOf(ctx)!, /must be true or false \(got /, text);
  }
});

Deno.test("readString accepts non-empty strings without NUL; numbers are not strings", () => {
  const { ctx, e } = entry("hello world");
  assert.equal(readString(ctx, e), "hello world");
  for (const text of ['""', "5", "true", '"a\\0b"', "[a]"]) {
    const bad = entry(text);
    assert.equal(readString(bad.ctx, bad.e), undefined, text);
    assert.match(errorOf(bad.ctx)!, /must be (a non-empty string|a string) \(got /, text);
  }
});

Deno.test("scalarOf returns the scalar node, or reports 'must be <expected>' for others", () => {
  const { ctx, e } = entry("x");
  assert.ok(isScalar(scalarOf(ctx, e, "a thing")));
  const map = entry("{ a: 1 }");
  assert.equal(scalarOf(map.ctx, map.e, "a thing"), undefined);
  assert.equal(errorOf(map.ctx), "cfg.yaml:1:4: k: must be a thing (got a map)");
});

Deno.test("writtenText: strings as parsed, numbers and booleans exactly as in the file", () => {
  for (
    const [text, written] of [
      ["022", "022"],
      ["1.50", "1.50"],
      ["0x1F", "0x1F"],
      [
        "false",
        "false",
      ],
      ['"q\\tx"', "q\tx"],
      ["plain", "plain"],
    ] as const
  ) {
    const { ctx, e } = entry(text);
    assert.ok(isScalar(e.value));
    assert.equal(writtenText(ctx, e.value), written, text);
  }
});
