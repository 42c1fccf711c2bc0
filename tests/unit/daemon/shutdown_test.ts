/** DaemonShutdown: one shutdown; the first caller names it and sets the daemon's exit code. */
import assert from "node:assert/strict";
import { DaemonShutdown } from "../../../src/daemon/shutdown.ts";
import { EventHub } from "../../../src/events.ts";

Deno.test("DaemonShutdown: the first ask sets by and exit code; later asks share the stop", async () => {
  const hub = new EventHub();
  let stops = 0;
  const shutdown = new DaemonShutdown(hub, {
    shutdown: () => {
      stops++;
      return Promise.resolve();
    },
  });
  assert.equal(shutdown.by, null);
  assert.equal(shutdown.exitCode, 0);
  assert.equal(shutdown.requestedAt, null);
  shutdown.request("critical", 3);
  shutdown.request("SIGTERM");
  shutdown.request("critical", 9);
  await shutdown.finished();
  assert.equal(stops, 1);
  assert.equal(shutdown.by, "critical");
  assert.equal(shutdown.exitCode, 3);
  assert.equal(typeof shutdown.requestedAt, "number");
  const begins = hub.recent().filter((e) => e.event === "daemon-stop");
  assert.deepEqual(begins.map((e) => e.fields), [{ by: "critical", phase: "begin" }]);
});

Deno.test("DaemonShutdown: a signal's shutdown exits 0 even if a critical ending follows", async () => {
  const shutdown = new DaemonShutdown(new EventHub(), { shutdown: () => Promise.resolve() });
  shutdown.request("SIGTERM");
  shutdown.request("critical", 137);
  await shutdown.finished();
  assert.equal(shutdown.exitCode, 0);
});
