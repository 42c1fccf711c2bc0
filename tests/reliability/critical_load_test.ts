/**
 * W7 (docs/reliability.md): a `critical: exit` program dies while 200 others run, one of them
 * ignoring SIGTERM (the longest stop chain: its stoptime, then SIGKILL), and the alert mail stalls
 * on an SMTP server that never answers. Correctness is asserted: taskmasterd exits with the
 * program's code and every child is gone. The time from the trigger to the exit is printed
 * against "longest stop chain + 10 s" (met/MISSED), not asserted: it depends on machine speed.
 */
import assert from "node:assert/strict";
import { FIXTURES_BIN, startDaemon } from "../helpers/daemon_harness.ts";
import { pidAlive, waitFor } from "../helpers/wait_for.ts";
import { startStalledServer } from "../integration/alerts/smtp_sink.ts";
import { daemonConfig, statusMap } from "./lib/daemon_util.ts";

const OTHERS = 200;
const STOPTIME = 2;
const EXIT_CODE = 7;

Deno.test("W7: critical exit under load with a stalled alert send", async () => {
  const smtp = startStalledServer();
  const daemon = await startDaemon(
    daemonConfig(
      `  main:\n    cmd: ["/bin/sh", "-c", "while [ ! -e go ]; do sleep 0.05; done; exit ${EXIT_CODE}"]\n` +
        `    critical: exit\n    starttime: 0\n` +
        `  others:\n    cmd: ${FIXTURES_BIN}/forever\n    numprocs: ${OTHERS - 1}\n` +
        `    starttime: 0\n    stoptime: ${STOPTIME}\n` +
        `  stubborn:\n    cmd: ["/bin/sh", "-c", "trap '' TERM; while :; do sleep 0.2; done"]\n` +
        `    starttime: 0\n    stoptime: ${STOPTIME}\n`,
      `  email: ops@example.test\n` +
        `  smtp: { host: 127.0.0.1, port: ${smtp.port}, secure: false, from: tm@example.test }\n`,
    ),
    { readyTimeoutMs: 60_000 },
  );
  try {
    const all = await waitFor(async () => {
      const map = await statusMap(daemon);
      return [...map.values()].every((p) => p.state === "RUNNING") ? map : null;
    }, { timeoutMs: 120_000, what: `${OTHERS + 1} processes RUNNING` });
    const pids = [...all.values()].map((p) => p.pid!);
    assert.equal(pids.length, OTHERS + 1);

    const t0 = performance.now();
    await Deno.writeTextFile(`${daemon.dir}/go`, "");
    const status = await daemon.status;
    const seconds = (performance.now() - t0) / 1000;
    const alive = pids.filter(pidAlive);
    const bound = STOPTIME + 10;
    console.log(
      `W7: taskmasterd exited ${status.code} ${seconds.toFixed(2)} s after the critical exit ` +
        `(${OTHERS} others, stoptime ${STOPTIME} s, SMTP stalled, ${smtp.connections()} SMTP ` +
        `connection(s)); ${alive.length} children left; target ≤ ${bound} s ` +
        `${seconds <= bound ? "met" : "MISSED"}`,
    );
    assert.equal(status.code, EXIT_CODE, daemon.lines.slice(-20).join("\n"));
    assert.deepEqual(alive, [], "every child gone");
    assert.ok(daemon.lines.some((l) => / main critical-exit .*exitcode=7/.test(l)));
  } finally {
    await daemon.stop();
    await smtp.close();
  }
});
