/**
 * L7 companion: the daemon raises its soft open-files limit to the hard limit at start-up, so a
 * default soft limit of 1024 does not cap it near 250 children.
 */
import assert from "node:assert/strict";
import { startDaemon } from "../helpers/daemon_harness.ts";
import { waitFor } from "../helpers/wait_for.ts";

Deno.test("L7: taskmasterd raises its soft NOFILE limit to the hard limit", async () => {
  const daemon = await startDaemon("taskmaster:\n  http: false\nprograms: {}\n", {
    wrap: (argv) => ["prlimit", "--nofile=1024:4096", ...argv],
  });
  try {
    const limits = await Deno.readTextFile(`/proc/${daemon.pid}/limits`);
    const row = limits.split("\n").find((line) => line.startsWith("Max open files"));
    console.log(`L7: started with nofile 1024:4096 → ${row?.replace(/\s+/g, " ")}`);
    assert.match(row ?? "", /Max open files\s+4096\s+4096/);
    // `daemon-start` is logged after the socket answers (the limit is raised first): wait for it.
    await waitFor(() => daemon.lines.some((line) => / daemon-start /.test(line)), {
      what: "daemon-start line",
    });
    assert.ok(daemon.lines.some((line) => / daemon-start .*nofile=4096/.test(line)));
  } finally {
    await daemon.stop();
  }
});
