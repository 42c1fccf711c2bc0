import assert from "node:assert/strict";
import { EVENT_NAMES } from "../../../src/protocol/types.ts";

Deno.test("every event name is documented in docs/events.md, once in the list", async () => {
  const doc = await Deno.readTextFile(new URL("../../../docs/events.md", import.meta.url));
  assert.equal(new Set(EVENT_NAMES).size, EVENT_NAMES.length);
  const missing = EVENT_NAMES.filter((name) => !doc.includes(`\`${name}\``));
  assert.deepEqual(missing, [], "event names missing from docs/events.md");
});
