import assert from "node:assert/strict";
import {
  MAX_ALIASES,
  MAX_BLOCK_DEPTH,
  MAX_FLOW_DEPTH,
  prescanYaml,
} from "../../../src/config/prescan_yaml.ts";

Deno.test("an ordinary config passes the pre-scan", () => {
  const text = `taskmaster:
  http: { host: "127.0.0.1", port: 4242 }
programs:
  a: &base { cmd: "/bin/echo [x] {y}", env: { A: '*' } }
  b:
    <<: *base
    exitcodes: [0, 1]
    args:
      - - nested
        - list
`;
  assert.equal(prescanYaml(text), null);
});

Deno.test(`flow nesting up to ${MAX_FLOW_DEPTH} passes; one more is refused where it happens`, () => {
  const ok = "x: " + "[".repeat(MAX_FLOW_DEPTH) + "]".repeat(MAX_FLOW_DEPTH);
  assert.equal(prescanYaml(ok), null);
  const deep = "x: " + "{a: ".repeat(MAX_FLOW_DEPTH + 1);
  const problem = prescanYaml(deep);
  assert.deepEqual(problem, {
    offset: 3 + 4 * MAX_FLOW_DEPTH,
    message: "nesting too deep (YAML bomb?)",
  });
});

Deno.test("brackets and stars inside quotes or comments are not counted", () => {
  const many = "[".repeat(MAX_FLOW_DEPTH * 2);
  assert.equal(prescanYaml(`a: "${many}"\nb: '${many}'\n# ${many}\nc: x # ${many}\n`), null);
  const stars = "*a ".repeat(MAX_ALIASES + 1);
  assert.equal(prescanYaml(`a: "${stars}"\n`), null);
});

Deno.test("escaped quotes inside quoted scalars do not end them", () => {
  const many = "[".repeat(MAX_FLOW_DEPTH * 2);
  assert.equal(prescanYaml(`a: "x\\" ${many}"\nb: 'it''s ${many}'\n`), null);
});

Deno.test("a bracket after a word in a plain scalar is text, not nesting", () => {
  assert.equal(prescanYaml(`cmd: echo a[1] b{2}\n`), null);
  // The scan is approximate: a run of brackets inside a plain scalar does count as nesting
  // (only absurd runs, far beyond real configs, are refused).
  assert.notEqual(prescanYaml(`cmd: echo ${"[".repeat(MAX_FLOW_DEPTH * 2)}\n`), null);
});

Deno.test(`more than ${MAX_ALIASES} aliases are refused at the first one too many`, () => {
  const line = (i: number) => `k${i}: *a\n`;
  const fine = "a: &a 1\n" + Array.from({ length: MAX_ALIASES }, (_, i) => line(i)).join("");
  assert.equal(prescanYaml(fine), null);
  const tooMany = fine + "last: *a\n";
  const problem = prescanYaml(tooMany);
  assert.equal(problem?.message, `too many aliases (more than ${MAX_ALIASES})`);
  assert.equal(problem?.offset, tooMany.lastIndexOf("*"));
});

Deno.test("block nesting is estimated from indentation plus '- ' indicators", () => {
  assert.equal(prescanYaml(" ".repeat(MAX_BLOCK_DEPTH) + "x: 1\n"), null);
  const indented = prescanYaml(" ".repeat(MAX_BLOCK_DEPTH + 1) + "x: 1\n");
  assert.equal(indented?.message, "nesting too deep (YAML bomb?)");
  assert.equal(indented?.offset, MAX_BLOCK_DEPTH);
  assert.equal(prescanYaml("- ".repeat(MAX_BLOCK_DEPTH) + "x\n"), null);
  assert.equal(prescanYaml("- ".repeat(MAX_BLOCK_DEPTH + 1) + "x\n")?.offset, 2 * MAX_BLOCK_DEPTH);
});

Deno.test("a dash inside a word is not an indicator", () => {
  assert.equal(prescanYaml("a: " + "x-".repeat(MAX_BLOCK_DEPTH * 2) + "\n"), null);
});
