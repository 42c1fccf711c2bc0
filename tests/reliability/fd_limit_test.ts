/**
 * L7 companion: the daemon raises its soft open-files limit to the hard limit at start-up, so a
 * default soft limit of 1024 does not cap it near 250 children.
 */
import assert from "node:assert/strict";
import { startDaemon } from "../helpers/daemon_harness.ts";

Deno.test("L7: taskmasterd raises its soft NOFILE limit to the hard limit", async () => {
  const daemon = await startDaemon("taskmaster:\n  http: false\nprograms: {}\n", {
    wrap: (argv) => ["prlimit", "--nofile=1024:4096", ...argv],
  });
  try {
    const limits = await Deno.readTextFile(`/proc/${daemon.pid}/limits`);
    const row = limits.split("\n").find((line) => line.startsWith("Max open files"));
    console.log(`L7: started with nofile 1024:4096 → ${row?.replace(/\s+/g, " ")}`);
    assert.match(row ?? "", /Max open files\s+4096\s+4096/);
    // The line is on the daemon's stderr, read by another pump than the socket's: wait for it.
    await daemon.waitLine(/ daemon-start .*nofile=4096/);
  } finally {
    await daemon.stop();
  }
});
