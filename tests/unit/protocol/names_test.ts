/** Name resolution (`all`, `prog`, `prog:N`): one parser and selector for supervisor and web. */
import assert from "node:assert/strict";
import { type Addressable, parseName, selectByName } from "../../../src/protocol/names.ts";

const ITEMS: Addressable[] = [
  { program: "web", index: 0 },
  { program: "web", index: 1 },
  { program: "worker", index: 0 },
];
const pick = (name: string) => selectByName(ITEMS, name, (item) => item);

Deno.test("parseName: all, a program, an instance; malformed indexes are null", () => {
  assert.deepEqual(parseName("all"), { kind: "all" });
  assert.deepEqual(parseName("web"), { kind: "program", program: "web" });
  assert.deepEqual(parseName("web:12"), { kind: "instance", program: "web", index: 12 });
  for (const bad of ["", "web:", ":0", "web:01", "web:-1", "web:+1", "web:1.0", "web:1234567"]) {
    assert.equal(parseName(bad), null, bad);
  }
  assert.deepEqual(parseName("web:999999"), { kind: "instance", program: "web", index: 999999 });
});

Deno.test("selectByName: every item, a program's instances, one instance, or null", () => {
  assert.deepEqual(pick("all"), ITEMS);
  assert.deepEqual(pick("web"), ITEMS.slice(0, 2));
  assert.deepEqual(pick("web:1"), [ITEMS[1]]);
  assert.deepEqual(pick("worker:0"), [ITEMS[2]]);
  assert.equal(pick("web:2"), null);
  assert.equal(pick("db"), null);
  assert.equal(pick("we"), null);
  assert.equal(pick("web:01"), null);
  assert.deepEqual(selectByName([], "all", (item: Addressable) => item), []);
});
