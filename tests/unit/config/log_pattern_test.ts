import assert from "node:assert/strict";
import {
  createLineMatcher,
  LOG_LINE_CAP,
  logPatternProblem,
} from "../../../src/config/log_pattern.ts";

Deno.test("log matcher: unanchored regex over one line", () => {
  const match = createLineMatcher("ready to accept (connections|clients)");
  assert(match("2026 LOG: database system is ready to accept connections"));
  assert(!match("starting"));
});

Deno.test("log matcher: only the first LOG_LINE_CAP characters are looked at", () => {
  const match = createLineMatcher("READY");
  assert(match("x".repeat(LOG_LINE_CAP - 5) + "READY"));
  assert(!match("x".repeat(LOG_LINE_CAP) + "READY"));
});

Deno.test("log pattern validation: invalid and nested-quantifier patterns are refused", () => {
  for (const ok of ["ready", "a+b*", "(ab)+", "(?:x|y)*z", "[(+]+", "\\(a+\\)+", "(a{2})+"]) {
    assert.equal(logPatternProblem(ok), null, ok);
  }
  assert.match(logPatternProblem("(") ?? "", /^invalid regular expression: /);
  for (const bad of ["(a+)+b", "(\\w*\\s?)*$", "((ab)*c)+", "(a{2,})*", "(?:x+y)+z"]) {
    assert.match(logPatternProblem(bad) ?? "", /backtrack catastrophically/, bad);
  }
});
