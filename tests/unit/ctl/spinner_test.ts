import assert from "node:assert/strict";
import { startSpinner } from "../../../ctl/spinner.ts";

Deno.test("a disabled spinner writes nothing, now or when cleared", () => {
  const written: string[] = [];
  const clear = startSpinner("working", false, (t) => written.push(t));
  clear();
  assert.deepEqual(written, []);
});

Deno.test("an enabled spinner draws its first frame at once and erases the line when cleared", () => {
  const written: string[] = [];
  const clear = startSpinner("starting web…", true, (t) => written.push(t));
  assert.deepEqual(written, ["\r| starting web…"]);
  clear();
  assert.deepEqual(written, ["\r| starting web…", "\r\x1b[K"]);
});
