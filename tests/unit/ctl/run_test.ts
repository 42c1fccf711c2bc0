import assert from "node:assert/strict";
import { scanGlobals } from "../../../ctl/run.ts";
import { CtlError } from "../../../ctl/errors.ts";

Deno.test("scanGlobals finds -c/-s/--json before the command and says if there is one", () => {
  assert.deepEqual(scanGlobals([]), { json: false, hasCommand: false });
  assert.deepEqual(scanGlobals(["-s", "/x.sock", "--json"]), {
    json: true,
    hasCommand: false,
    socket: "/x.sock",
  });
  assert.deepEqual(scanGlobals(["--config=/c.yaml", "status", "-s", "ignored"]), {
    json: false,
    hasCommand: true,
    config: "/c.yaml",
  });
  assert.equal(scanGlobals(["-h"]).hasCommand, true);
});

Deno.test("scanGlobals accepts the long forms with a separate value and --socket=", () => {
  assert.deepEqual(scanGlobals(["--config", "a.yaml", "--socket=/s"]), {
    json: false,
    hasCommand: false,
    config: "a.yaml",
    socket: "/s",
  });
});

Deno.test("scanGlobals: an unknown option counts as a command for commander to reject", () => {
  assert.equal(scanGlobals(["--bogus"]).hasCommand, true);
  assert.equal(scanGlobals(["-V"]).hasCommand, true);
});

Deno.test("scanGlobals: -c or -s without a value is a usage error (exit 2)", () => {
  for (const args of [["-c"], ["--json", "-s"], ["--socket"]]) {
    assert.throws(
      () => scanGlobals(args),
      (error: unknown) =>
        error instanceof CtlError && error.exitCode === 2 && /needs a value/.test(error.message),
      args.join(" "),
    );
  }
});
