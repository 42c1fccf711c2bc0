import assert from "node:assert/strict";
import { LineCounter } from "yaml";
import {
  ErrorCollector,
  formatConfigError,
  MAX_ERRORS,
} from "../../../src/config/error_collector.ts";
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

Deno.test("formatConfigError: FILE:LINE:COL: path: message, or FILE: message at file level", () => {
  assert.equal(
    formatConfigError("c.yaml", 3, 7, "programs.a", "bad"),
    "c.yaml:3:7: programs.a: bad",
  );
  assert.equal(formatConfigError("c.yaml", 3, null, "x", "bad"), "c.yaml:3:1: x: bad");
  assert.equal(formatConfigError("c.yaml", 2, 1, "", "bad"), "c.yaml:2:1: bad");
  assert.equal(formatConfigError("c.yaml", null, null, "", "empty"), "c.yaml: empty");
});

Deno.test("positions come from the line counter; without one an offset is 1:1", () => {
  const lines = new LineCounter();
  lines.addNewLine(0);
  lines.addNewLine(6);
  const withLines = new ErrorCollector("f", lines);
  withLines.at(8, "k", "m");
  assert.deepEqual(withLines.result()[0], {
    line: 2,
    col: 3,
    path: "k",
    message: "m",
    text: "f:2:3: k: m",
  });
  const without = new ErrorCollector("f", null);
  without.at(500, "k", "m");
  assert.equal(without.result()[0]!.text, "f:1:1: k: m");
});

Deno.test("result: file-level errors first, then by line and column; insertion order on ties", () => {
  const lines = new LineCounter();
  for (const start of [0, 10, 20]) lines.addNewLine(start);
  const errors = new ErrorCollector("f", lines);
  errors.at(25, "c", "third");
  errors.at(12, "b1", "second");
  errors.file("first");
  errors.at(12, "b2", "second too");
  assert.deepEqual(errors.result().map((e) => e.path), ["", "b1", "b2", "c"]);
});

Deno.test(`past ${MAX_ERRORS} errors the rest are counted and summarised in one last line`, () => {
  const errors = new ErrorCollector("f", null);
  for (let i = 0; i < MAX_ERRORS + 5; i++) errors.at(null, `k${i}`, "bad");
  assert.equal(errors.count, MAX_ERRORS + 5);
  const result = errors.result();
  assert.equal(result.length, MAX_ERRORS + 1);
  assert.equal(result.at(-1)!.text, "f: 5 more error(s) not shown");
});

Deno.test("the error list and each error are frozen", () => {
  const errors = new ErrorCollector("f", null);
  errors.file("x");
  const result = errors.result();
  assert.ok(Object.isFrozen(result));
  assert.ok(Object.isFrozen(result[0]));
});
