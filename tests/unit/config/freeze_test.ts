import assert from "node:assert/strict";
import { deepFreeze } from "../../../src/config/freeze.ts";
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

Deno.test("deepFreeze freezes nested objects and arrays and returns the same value", () => {
  const value = { a: { b: [1, { c: 2 }] }, d: "x" };
  const frozen = deepFreeze(value);
  assert.equal(frozen, value);
  assert.ok(Object.isFrozen(value.a));
  assert.ok(Object.isFrozen(value.a.b));
  assert.ok(Object.isFrozen(value.a.b[1]));
});

Deno.test("deepFreeze leaves primitives and null alone and survives cycles", () => {
  assert.equal(deepFreeze(null), null);
  assert.equal(deepFreeze(5), 5);
  assert.equal(deepFreeze("s"), "s");
  const cyclic: { self?: unknown } = {};
  cyclic.self = cyclic;
  deepFreeze(cyclic);
  assert.ok(Object.isFrozen(cyclic));
});
