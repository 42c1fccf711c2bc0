/** The `critical` program key and the `alerts.critical` switch (docs/config.md "critical"). */
import assert from "node:assert/strict";
import { parseCritical } from "../../../src/config/converters.ts";
import { bad, ok, prog } from "./helpers.ts";

Deno.test("critical defaults to false and reads every mode", () => {
  assert.equal(ok(prog("")).programs[0]!.critical, false);
  for (const mode of ["fatal", "unexpected", "exit"] as const) {
    assert.equal(ok(prog(`critical: ${mode}`)).programs[0]!.critical, mode);
  }
  assert.equal(ok(prog("critical: false")).programs[0]!.critical, false);
});

Deno.test("critical: true is refused with the hint to name the mode", () => {
  const errs = bad(prog("critical: true"));
  assert.equal(errs.length, 1);
  assert.equal(errs[0]!.path, "programs.web.critical");
  assert.match(
    errs[0]!.text,
    /^cfg\.yaml:4:\d+: programs\.web\.critical: .*say fatal, unexpected or exit/,
  );
});

Deno.test("critical: other values are refused naming the value", () => {
  const cases: [string, string][] = [
    ["critical: always", "always"],
    ["critical: 1", "1"],
    ["critical: [exit]", "a list"],
  ];
  for (const [line, shown] of cases) {
    const errs = bad(prog(line));
    assert.equal(errs.length, 1, line);
    assert.match(errs[0]!.text, /must be false, fatal, unexpected or exit/);
    assert.ok(errs[0]!.text.includes(shown), errs[0]!.text);
  }
  assert.match(bad(prog("critcal: exit"))[0]!.text, /did you mean "critical"/);
});

Deno.test("parseCritical is exact about case and type", () => {
  assert.deepEqual(parseCritical("exit"), { ok: "exit" });
  assert.ok("error" in parseCritical("Exit"));
  assert.ok("error" in parseCritical("false"));
  assert.ok("error" in parseCritical(null));
});

Deno.test("alerts.critical is on by default and can be switched off", () => {
  assert.equal(ok("programs: {}\n").daemon.alerts.critical, true);
  const off = ok("taskmaster:\n  alerts: { critical: false }\nprograms: {}\n");
  assert.equal(off.daemon.alerts.critical, false);
});
