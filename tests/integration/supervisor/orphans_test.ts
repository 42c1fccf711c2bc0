import assert from "node:assert/strict";
import { EventHub } from "../../../src/events.ts";
import { PidsFile, stopOrphans } from "../../../src/process/pids_file.ts";
import { killTree, pidAlive, waitFor } from "../../helpers/wait_for.ts";
import { bin } from "./harness.ts";

Deno.test("stopOrphans() stops recorded children whose start time matches, then removes the file", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/taskmasterd.pids`;
  const spawn = (args: string[]) =>
    new Deno.Command(args[0] as string, {
      args: args.slice(1),
      detached: true,
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
  const plain = spawn([bin("forever")]);
  const stubborn = spawn([bin("ignore_term")]);
  const pids = [plain.pid, stubborn.pid];
  try {
    const file = new PidsFile(path, () => pids.map((pid) => ({ pid })));
    file.flush();
    const text = await Deno.readTextFile(path);
    assert.equal(text.trim().split("\n").length, 2);
    // A recorded pid with a different start time is someone else's process: left alone.
    await Deno.writeTextFile(path, `${text}${Deno.pid} 1\n`);
    const hub = new EventHub();
    const stopped = await stopOrphans(path, hub, 500);
    assert.equal(stopped, 2);
    await plain.status;
    await stubborn.status;
    for (const pid of pids) await waitFor(() => !pidAlive(pid), { what: `orphan ${pid} gone` });
    const events = hub.recent().filter((e) => e.event === "orphan-stopped");
    assert.deepStrictEqual(events.map((e) => e.fields.signal).sort(), ["SIGKILL", "SIGTERM"]);
    await assert.rejects(Deno.stat(path), Deno.errors.NotFound);
  } finally {
    for (const pid of pids) killTree(pid);
    await Deno.remove(dir, { recursive: true });
  }
});
