import assert from "node:assert/strict";
import { parseState, serializeState } from "../../../src/state/format.ts";

Deno.test("serializeState writes version, savedAt and sorted processes; parseState reads it back", () => {
  const overrides = new Map([
    ["web:1", { desired: "stopped", since: "2024-01-01T00:00:00.000Z", by: "ctl" }] as const,
    ["api", { desired: "started", since: "2024-01-02T00:00:00.000Z", by: "web" }] as const,
  ]);
  const text = serializeState(overrides, "2024-01-03T00:00:00.000Z");
  assert.deepEqual(Object.keys(JSON.parse(text)), ["version", "savedAt", "processes"]);
  assert.deepEqual(Object.keys(JSON.parse(text).processes), ["api", "web:1"]);
  const parsed = parseState(text);
  assert.ok(parsed.ok);
  assert.deepEqual(parsed.overrides, new Map(overrides));
});

Deno.test("parseState keeps hostile names as plain map keys", () => {
  const text =
    '{"version":1,"savedAt":"x","processes":{"__proto__":{"desired":"stopped","since":"2024-01-01T00:00:00Z","by":"ctl"}}}';
  const parsed = parseState(text);
  assert.ok(parsed.ok);
  assert.equal(parsed.overrides.get("__proto__")?.desired, "stopped");
});

Deno.test("parseState refuses a version it does not know, with the version in the reason", () => {
  const parsed = parseState('{"version":"1","processes":{}}');
  assert.ok(!parsed.ok);
  assert.equal(parsed.reason, 'unknown version "1"');
});
