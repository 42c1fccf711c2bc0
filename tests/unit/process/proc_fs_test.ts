/** Reading /proc/PID/stat when a pid may vanish at any moment. */
import assert from "node:assert/strict";
import { isGoneError, readProcStats } from "../../../src/process/proc_fs.ts";

Deno.test("isGoneError: ENOENT and ESRCH (reaped between open and read) mean the pid is gone", () => {
  assert(isGoneError(new Deno.errors.NotFound("No such file or directory (os error 2)")));
  // What Deno 2.9.6 threw in CI for a child reaped while /proc/PID/stat was being read.
  assert(isGoneError(new Error("No such process (os error 3): readfile '/proc/7291/stat'")));
  assert(isGoneError(Object.assign(new Error("gone"), { code: "ESRCH" })));
});

Deno.test("isGoneError: other failures are not taken for an exited process", () => {
  assert(!isGoneError(new Deno.errors.PermissionDenied("Permission denied (os error 13)")));
  assert(!isGoneError(new Error("Input/output error (os error 5)")));
  assert(!isGoneError(new Error("Too many open files (os error 24)")));
  assert(!isGoneError("ESRCH"));
});

Deno.test("readProcStats: a live pid is read, a reaped one is absent", async () => {
  const child = new Deno.Command("true", { stdout: "null", stderr: "null" }).spawn();
  await child.status;
  const stats = readProcStats([Deno.pid, child.pid]);
  assert.ok(stats.get(Deno.pid)?.startsWith(`${Deno.pid} (`));
  assert.equal(stats.has(child.pid), false);
});
