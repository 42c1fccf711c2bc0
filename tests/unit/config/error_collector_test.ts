import assert from "node:assert/strict";
import { bad } from "./helpers.ts";

Deno.test("all errors are collected, in file order", () => {
  const errs = bad(`taskmaster:
  logbackups: -1
programs:
  a:
    cmd: x
    numprocs: 0
  b:
    cmd: y
    stopsignal: FOO
    starttime: -1
`);
  assert.deepEqual(errs.map((e) => [e.line, e.path]), [
    [2, "taskmaster.logbackups"],
    [6, "programs.a.numprocs"],
    [9, "programs.b.stopsignal"],
    [10, "programs.b.starttime"],
  ]);
});
