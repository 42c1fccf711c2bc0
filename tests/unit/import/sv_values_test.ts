import assert from "node:assert/strict";
import {
  svAutorestart,
  svBoolean,
  svByteSize,
  svExitcodes,
  svOctal,
  svSignal,
} from "../../../src/import/sv_values.ts";

Deno.test("booleans as supervisord accepts them", () => {
  for (const t of ["true", "YES", "On", "1"]) assert.deepEqual(svBoolean(t), { ok: true });
  for (const t of ["false", "no", "OFF", "0"]) assert.deepEqual(svBoolean(t), { ok: false });
  assert("error" in svBoolean("maybe"));
  assert.deepEqual(svAutorestart("Unexpected"), { ok: "unexpected" });
});

Deno.test("byte sizes with KB/MB/GB in any case", () => {
  assert.deepEqual(svByteSize("50MB"), { ok: 50 * 1024 * 1024 });
  assert.deepEqual(svByteSize("1kb"), { ok: 1024 });
  assert.deepEqual(svByteSize("2GB"), { ok: 2 * 1024 ** 3 });
  assert.deepEqual(svByteSize("0"), { ok: 0 });
  assert("error" in svByteSize("10TB"));
  assert("error" in svByteSize("MB"));
});

Deno.test("octal umask, exit code lists, signals by name or number", () => {
  assert.deepEqual(svOctal("022"), { ok: 0o22 });
  assert.deepEqual(svExitcodes("0,2"), { ok: [0, 2] });
  assert("error" in svExitcodes("0,256"));
  assert.deepEqual(svSignal("SIGQUIT"), { ok: "QUIT" });
  assert.deepEqual(svSignal("15"), { ok: "TERM" });
});
