import assert from "node:assert/strict";
import { NameMap } from "../../../src/import/names.ts";
import type { Note } from "../../../src/import/types.ts";

Deno.test("names: other characters become _, leading _-. stripped, noted", () => {
  const names = new NameMap();
  const notes: Note[] = [];
  assert.equal(names.add("web", "f:1", notes), "web");
  assert.equal(notes.length, 0);
  assert.equal(names.add("-my app:élan", "f:2", notes), "my_app__lan");
  assert.equal(names.add("__x", "f:3", notes), "x");
  assert.equal(notes.length, 2);
});

Deno.test("names: empty, reserved, too long, or clashing is an error", () => {
  const names = new NameMap();
  assert.throws(() => names.add("***", "f:1", []), /f:1: .*no usable character/);
  assert.throws(() => names.add("all", "f:2", []), /reserved/);
  assert.throws(() => names.add("x".repeat(65), "f:3", []), /longer than 64/);
  names.add("a b", "f:4", []);
  assert.throws(
    () => names.add("a_b", "f:5", []),
    /f:5: program name a_b .*clashes with "a b" at f:4/,
  );
});
