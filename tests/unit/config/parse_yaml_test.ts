import assert from "node:assert/strict";
import {
  MAX_ALIAS_COUNT,
  MAX_CONFIG_BYTES,
  parseYamlSource,
} from "../../../src/config/parse_yaml.ts";
import { bad, prog } from "./helpers.ts";

Deno.test("duplicate program keys and duplicate fields are rejected", () => {
  const e1 = bad("programs:\n  a:\n    cmd: x\n  a:\n    cmd: y\n");
  assert.match(e1[0]!.text, /^cfg\.yaml:4:3: YAML syntax error: Map keys must be unique/);
  const e2 = bad(prog("numprocs: 1\nnumprocs: 2"));
  assert.match(e2[0]!.message, /unique/);
});

/** The error texts of parsing `text` as f.yaml, asserting that it is refused. */
function refused(text: string): string[] {
  const { source, errors } = parseYamlSource(text, "f.yaml");
  assert.equal(source, null, "expected the text to be refused");
  return errors.result().map((e) => e.text);
}

Deno.test("valid YAML gives the document and its text, with no errors", () => {
  const text = "programs:\n  a: { cmd: x }\n";
  const { source, errors } = parseYamlSource(text, "f.yaml");
  assert.equal(errors.count, 0);
  assert.equal(source?.text, text);
  assert.deepEqual(source?.doc.toJS(), { programs: { a: { cmd: "x" } } });
});

Deno.test("text over 1 MiB is refused by size before parsing, counting UTF-8 bytes", () => {
  assert.match(
    refused("#".repeat(MAX_CONFIG_BYTES + 1))[0]!,
    /^f\.yaml: file is larger than 1 MiB/,
  );
  // 400k three-byte characters: fewer UTF-16 units than the cap, more bytes.
  const wide = "# " + "€".repeat(400_000);
  assert.match(refused(wide)[0]!, /at least 1200002 bytes/);
  const { source } = parseYamlSource("# " + "€".repeat(300_000) + "\nprograms: {}\n", "f.yaml");
  assert.notEqual(source, null);
});

Deno.test("empty and whitespace-only text is 'config file is empty'", () => {
  assert.deepEqual(refused(""), ["f.yaml: config file is empty"]);
  assert.deepEqual(refused(" \n\t\n"), ["f.yaml: config file is empty"]);
});

Deno.test("a pre-scan refusal is reported at its line and column", () => {
  const text = "a: 1\nb: " + "[".repeat(100) + "\n";
  assert.deepEqual(refused(text), ["f.yaml:2:68: nesting too deep (YAML bomb?)"]);
});

Deno.test("syntax errors name their position and keep only the first line of the message", () => {
  const texts = refused("a: 1\nb: [1, 2\n");
  assert.ok(texts.length >= 1);
  assert.match(texts[0]!, /^f\.yaml:\d+:\d+: YAML syntax error: /);
  assert.ok(texts.every((t) => !t.includes("\n")));
});

Deno.test("explicit tags outside the YAML core types are refused on their line; core tags are fine", () => {
  for (const tag of ["!!binary aGk=", "!!set {a}", "!!js/function 'f'", "!custom x", "!!omap []"]) {
    const texts = refused(`a: ${tag}\n`);
    assert.ok(texts.some((t) => /^f\.yaml:1:\d+: .*tag/.test(t)), `${tag}: ${texts}`);
  }
  const { source } = parseYamlSource("a: !!str 5\nb: !!int 3\nc: !!map {}\n", "f.yaml");
  assert.notEqual(source, null);
});

Deno.test(`aliases expanding past ${MAX_ALIAS_COUNT} nodes are refused as a file-level error`, () => {
  const lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
  const names = "bcdefghij".split("");
  let prev = "a";
  for (const n of names) {
    lines.push(`${n}: &${n} [*${prev}, *${prev}, *${prev}, *${prev}, *${prev}]`);
    prev = n;
  }
  const texts = refused(lines.join("\n") + "\n");
  assert.equal(texts.length, 1);
  assert.match(texts[0]!, /^f\.yaml: rejected: /);
});

Deno.test("a few aliases below the expansion cap are accepted", () => {
  const { source } = parseYamlSource("a: &a { x: 1 }\nb: *a\nc: *a\n", "f.yaml");
  assert.notEqual(source, null);
});
