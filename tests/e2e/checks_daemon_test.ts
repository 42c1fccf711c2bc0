/**
 * Ready deadlines and health restarts through a real `taskmasterd` with the real probes
 * (docs/lifecycle.md "Ready checks" and "Health checks"): a check against a closed port times
 * out into FATAL after `startretries`; an unhealthy process is stopped and started again.
 */
import assert from "node:assert/strict";
import { startDaemon } from "../helpers/daemon_harness.ts";
import { waitFor } from "../helpers/wait_for.ts";
import { daemonConfig, statusMap, waitState } from "../reliability/lib/daemon_util.ts";

function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

Deno.test("checks e2e: ready-timeout fails the start; unhealthy restarts the process", async () => {
  const port = closedPort();
  const daemon = await startDaemon(daemonConfig(
    `  never:\n    cmd: /bin/sleep 1000\n    starttime: 0\n    startretries: 0\n    stoptime: 2\n` +
      `    ready: {tcp: ${port}, period: 0.2, timeout: 0.2, deadline: 1}\n` +
      `  sick:\n    cmd: /bin/sleep 1000\n    starttime: 0\n    autorestart: false\n` +
      `    health: {tcp: ${port}, period: 0.2, timeout: 0.2, failures: 2}\n` +
      `  logready:\n    cmd: ["/bin/sh", "-c", "sleep 0.3; echo 'ready to serve'; exec sleep 1000"]\n` +
      `    starttime: 0\n    stdout: none\n    ready: {log: "ready to serve$", deadline: 20}\n`,
  ));
  try {
    const never = await waitState(daemon, "never", ["FATAL"], 30_000);
    assert.equal(never.description, "not ready after 1s");
    assert.equal(never.ready, false);
    await daemon.waitLine(/ never ready-timeout check=tcp deadline=1 last=/, { timeoutMs: 10_000 });
    await daemon.waitLine(/ never stopping .*by=daemon reason=ready-timeout/, {
      timeoutMs: 10_000,
    });

    await daemon.waitLine(/ sick unhealthy check=tcp failures=2 last=/, { timeoutMs: 30_000 });
    await daemon.waitLine(/ sick stopping .*reason=unhealthy/, { timeoutMs: 10_000 });
    const restarted = await waitFor(async () => {
      const s = (await statusMap(daemon)).get("sick");
      return s && s.restarts >= 1 && s.state === "RUNNING" ? s : null;
    }, { timeoutMs: 30_000, what: "sick restarted" });
    assert.ok(restarted.health !== null, "health reported");

    // A log check reads a `none` stream too, but its lines stay hidden from tails.
    const ready = await waitState(daemon, "logready", ["RUNNING"], 30_000);
    assert.equal(ready.ready, true);
    await daemon.waitLine(/ logready ready check=log after=/, { timeoutMs: 10_000 });
    const tail = await daemon.call("tail", { name: "logready" });
    assert.equal((tail.result as { text: string }).text, "");
  } finally {
    await daemon.stop();
  }
});
