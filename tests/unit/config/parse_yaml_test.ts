import assert from "node:assert/strict";
import { bad, prog } from "./helpers.ts";

Deno.test("duplicate program keys and duplicate fields are rejected", () => {
  const e1 = bad("programs:\n  a:\n    cmd: x\n  a:\n    cmd: y\n");
  assert.match(e1[0]!.text, /^cfg\.yaml:4:3: YAML syntax error: Map keys must be unique/);
  const e2 = bad(prog("numprocs: 1\nnumprocs: 2"));
  assert.match(e2[0]!.message, /unique/);
});
