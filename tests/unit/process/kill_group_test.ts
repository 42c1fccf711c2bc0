/** The one process-group kill: the group, optionally its leader, "gone" is false. */
import assert from "node:assert/strict";
import { killGroup } from "../../../src/process/kill_group.ts";
import { pidAlive, waitFor } from "../../helpers/wait_for.ts";

/** `sh` leading its own session and group (detached), with a `sleep` child in the same group. */
function groupOfTwo() {
  const child = new Deno.Command("sh", {
    args: ["-c", "sleep 30 & echo $!; wait"],
    detached: true,
    stdout: "piped",
    stderr: "null",
  }).spawn();
  return child;
}

async function firstLine(stream: ReadableStream<Uint8Array>): Promise<string> {
  const reader = stream.getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) break;
    text += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  return text.trim();
}

Deno.test("killGroup signals every member of the group", async () => {
  const leader = groupOfTwo();
  const sleeper = Number(await firstLine(leader.stdout));
  assert(sleeper > 0 && pidAlive(sleeper));
  assert.equal(killGroup(leader.pid, "SIGKILL"), true);
  const status = await leader.status;
  assert.equal(status.signal, "SIGKILL");
  await waitFor(() => !pidAlive(sleeper), { what: "group member killed" });
  await leader.stdout.cancel().catch(() => {});
});

Deno.test("killGroup of a group that is gone is false and reports nothing", async () => {
  // A one-process group reaped here (a member reparented to a non-reaping PID 1 could linger
  // as a zombie, which kill(2) still reaches).
  const alone = new Deno.Command("true", { stdout: "null", detached: true }).spawn();
  await alone.status;
  const errors: unknown[] = [];
  const onError = (_target: number, error: unknown) => errors.push(error);
  assert.equal(killGroup(alone.pid, "SIGKILL", { onError }), false);
  assert.equal(killGroup(alone.pid, "SIGKILL", { alsoLeader: true, onError }), false);
  assert.deepEqual(errors, []);
});

Deno.test("errors other than gone go to onError, and the target counts as present", () => {
  const errors: number[] = [];
  // pid 1 leads its own group; as non-root EPERM is reported, as root signal 0 just works.
  const present = killGroup(1, "SIGCONT", { onError: (target) => errors.push(target) });
  assert.equal(present, true);
  assert(errors.length === 0 || errors[0] === -1);
});
