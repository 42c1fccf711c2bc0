import assert from "node:assert/strict";
import { CtlError, EXIT, exitCodeFor } from "../../../ctl/errors.ts";
import { ERROR_CODES } from "../../../src/protocol/errors.ts";

Deno.test("exit codes are 0 ok, 1 failed, 2 usage, 3 unreachable", () => {
  assert.deepEqual({ ...EXIT }, { ok: 0, failed: 1, usage: 2, unreachable: 3 });
});

Deno.test("every protocol error code maps to exit 1 or 2", () => {
  for (const code of ERROR_CODES) {
    const exit = exitCodeFor(code);
    assert.ok(exit === 1 || exit === 2, code);
  }
});

Deno.test("request-shaped errors are usage errors (2); everything else failed (1)", () => {
  for (const code of ["BAD_REQUEST", "UNKNOWN_COMMAND", "TOO_LARGE"]) {
    assert.equal(exitCodeFor(code), 2, code);
  }
  for (const code of ["BAD_NAME", "SPAWN_ERROR", "INTERNAL", "SOMETHING_NEW"]) {
    assert.equal(exitCodeFor(code), 1, code);
  }
});

Deno.test("CtlError carries its exit code and message", () => {
  const error = new CtlError(3, "no socket");
  assert.ok(error instanceof Error);
  assert.equal(error.exitCode, 3);
  assert.equal(error.message, "no socket");
  assert.equal(error.name, "CtlError");
});
