/** Reading /proc/PID/stat when a pid may vanish at any moment. */
import assert from "node:assert/strict";
import { killGroup } from "../../../src/process/kill_group.ts";
import { isGoneError, readAllProcStats, readProcStats } from "../../../src/process/proc_fs.ts";
import { groupHasLiveMember } from "../../../src/process/spawner.ts";
import { waitFor } from "../../helpers/wait_for.ts";

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

Deno.test("groupHasLiveMember: a live group is seen; once its members are dead it is not", async () => {
  // setsid(1) makes the shell lead a group of its own; its `sleep` child is a second member.
  const child = new Deno.Command("setsid", {
    args: ["sh", "-c", "sleep 60 & wait"],
    stdout: "null",
    stderr: "null",
  }).spawn();
  try {
    await waitFor(() => groupHasLiveMember(child.pid) || null, { what: "the group to show up" });
    killGroup(child.pid, "SIGKILL");
    await child.status;
    // The sleep may linger as a zombie until PID 1 reaps it: it does not count as live. The
    // answer comes from a scan shared for a few ms, so poll until it is fresh.
    await waitFor(() => !groupHasLiveMember(child.pid) || null, { what: "the group to be gone" });
  } finally {
    killGroup(child.pid, "SIGKILL");
  }
});

Deno.test("readAllProcStats: lists this process and only parsable pid entries", () => {
  const lines = readAllProcStats();
  assert.ok(lines.some((line) => line.startsWith(`${Deno.pid} (`)));
  assert.ok(lines.every((line) => /^\d+ \(/.test(line)), "every line is a /proc/PID/stat line");
});
