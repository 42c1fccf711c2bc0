/**
 * Alerts through the real daemon and a real SMTP sink on loopback: a program that can never
 * start sends exactly one `fatal` mail naming it; `taskmasterctl alert test` exits 0 and a mail
 * arrives; with SMTP down `alert test` exits 1 with a clear message while `status` stays fast,
 * also while a stalled SMTP server holds a test mail (docs/alerts.md).
 */
import assert from "node:assert/strict";
import { FIXTURES_BIN, startDaemon } from "../helpers/daemon_harness.ts";
import { waitFor } from "../helpers/wait_for.ts";
import { closedPort, startSink, startStalledServer } from "../integration/alerts/smtp_sink.ts";
import { CTL } from "../integration/ctl/harness.ts";
import { ctlAt, waitStates } from "./lib/e2e_helpers.ts";

function config(smtpPort: number): string {
  return `taskmaster:
  http: false
  email: ops@example.test
  smtp: { host: 127.0.0.1, port: ${smtpPort}, secure: false, from: tm@example.test }
  alerts: { batch-window: 0.3 }
programs:
  ok:
    cmd: ${FIXTURES_BIN}/forever
    starttime: 0
  doomed:
    cmd: /nonexistent/x
    startretries: 0
`;
}

/** SIGKILLs a child that may have exited already (it got its answer). */
function killQuietly(child: Deno.ChildProcess): void {
  try {
    child.kill("SIGKILL");
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
  }
}

/** The SMTP client's timeout: a daemon that waited for a stalled server would wait this long. */
const SMTP_TIMEOUT_MS = 10_000;

Deno.test("e2e alerts: one fatal mail via SMTP; alert test succeeds, then fails clearly when SMTP is down", async () => {
  const sink = await startSink();
  const stalled = startStalledServer();
  const daemon = await startDaemon(config(sink.port));
  try {
    await waitStates(daemon, { ok: "RUNNING", doomed: "FATAL" });
    const fatal = await waitFor(() => sink.mails[0], { what: "fatal mail at the sink" });
    assert.deepEqual(fatal.rcptTo, ["ops@example.test"]);
    const subject = fatal.parsed.subject ?? "";
    assert.match(subject, /^\[taskmaster \S+\] /);
    assert.match(subject, /\bfatal\b/);
    assert.match(subject, /\bdoomed\b/);
    assert.doesNotMatch(subject, /[\r\n]/);
    assert.match(fatal.parsed.text ?? "", /doomed/);
    await daemon.waitLine(/ - alert-sent /);

    const test = await ctlAt(daemon, ["alert", "test"]);
    assert.equal(test.code, 0, test.stdout + test.stderr);
    assert.match(test.stdout, /alert sent: 250/);
    await waitFor(() => sink.mails.length === 2, { what: "test mail at the sink" });
    assert.doesNotMatch(sink.mails[1]!.parsed.subject ?? "", /\bfatal\b/);
    assert.equal(
      sink.mails.filter((m) => /\bfatal\b/.test(m.parsed.subject ?? "")).length,
      1,
      "exactly one fatal mail",
    );

    // A failed reload is an alert too (its batch window is still the short one).
    await daemon.writeConfig("programs:\n  a:\n    cmd: [unterminated\n");
    const failed = await ctlAt(daemon, ["reload"]);
    assert.equal(failed.code, 1, failed.stdout + failed.stderr);
    const reloadMail = await waitFor(() => sink.mails[2], { what: "reload-failed mail" });
    assert.match(reloadMail.parsed.subject ?? "", /\breload-failed\b/);
    assert.match(reloadMail.parsed.text ?? "", /taskmaster\.yaml/);

    // SMTP down: smtp applies live on reload.
    await daemon.writeConfig(config(closedPort()));
    assert.equal((await ctlAt(daemon, ["reload"])).code, 0);
    const down = await ctlAt(daemon, ["alert", "test"]);
    assert.equal(down.code, 1, down.stdout + down.stderr);
    assert.match(down.stderr, /test mail to 127\.0\.0\.1:\d+ failed: .*(refused|ECONNREFUSED)/i);
    assert.equal(down.stderr.trim().split("\n").length, 1, "one clear line");
    await daemon.waitLine(/ - alert-failed .*kind=test/);
    const status = await ctlAt(daemon, ["status"]);
    assert.equal(status.code, 0, status.stderr);

    // A server that never greets: the test mail hangs in the background, status does not.
    await daemon.writeConfig(config(stalled.port));
    assert.equal((await ctlAt(daemon, ["reload"])).code, 0);
    const pending = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", CTL, "-s", daemon.socket, "alert", "test"],
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    let pendingEnded = false;
    void pending.status.then(() => (pendingEnded = true));
    try {
      await waitFor(() => stalled.connections() > 0, { what: "test mail connecting" });
      // Proved by order, not by a stopwatch: status answers while the test mail still hangs.
      const during = await daemon.call("status", {});
      assert.ok(during.ok, JSON.stringify(during));
      assert.ok(!pendingEnded, "status answered only once the stalled test mail had ended");
      // Shutdown does not wait for the stalled test mail's 10 s SMTP timeout (it takes a few
      // ms; the bound is far from that and still below the timeout it must not wait for).
      const t0 = performance.now();
      Deno.kill(daemon.child.pid, "SIGTERM");
      assert.equal((await daemon.status).code, 0);
      const stopMs = performance.now() - t0;
      assert.ok(stopMs < SMTP_TIMEOUT_MS * 0.8, `shutdown took ${stopMs} ms: waited for SMTP`);
    } finally {
      killQuietly(pending);
      await pending.status;
    }
    assert.deepEqual(daemon.lines.filter((l) => /internal error/.test(l)), [], "no INTERNAL");
  } finally {
    await daemon.stop();
    await stalled.close();
    await sink.close();
  }
});
