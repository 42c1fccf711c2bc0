import assert from "node:assert/strict";
import { ok } from "./helpers.ts";

Deno.test("result is deep-frozen", () => {
  const c = ok("programs:\n  web:\n    cmd: [a, b]\n    env: {X: 1}\n");
  assert.ok(Object.isFrozen(c));
  assert.ok(Object.isFrozen(c.programs));
  assert.ok(Object.isFrozen(c.programs[0]!.argv));
  assert.ok(Object.isFrozen(c.programs[0]!.env));
  assert.ok(Object.isFrozen(c.daemon.alerts));
  assert.throws(() => {
    (c.programs[0]!.argv as string[]).push("x");
  });
});
