import assert from "node:assert/strict";
import type { AlertSettings } from "../../../src/alerts/alerter.ts";
import type { AlertsSpec, SmtpSpec } from "../../../src/config/types.ts";
import { alertRules } from "../../helpers/specs.ts";
import { waitFor } from "../../helpers/wait_for.ts";
import { alerterRig } from "./alerter_rig.ts";
import { closedPort, smtpSpec, startSink } from "./smtp_sink.ts";

/** Short windows so every test finishes in well under a second of waiting. */
const FAST: AlertsSpec = alertRules({ batchWindow: 0.2 });

function setup(smtp: SmtpSpec, overrides: Partial<AlertSettings> = {}, timeoutMs = 2000) {
  return alerterRig(smtp, { alerts: FAST, ...overrides }, timeoutMs);
}

const proc = (program: string) => ({ process: `${program}:0`, program });

Deno.test("Alerter mails one FATAL alert to the configured recipient", async () => {
  const sink = await startSink();
  const { hub, alerter, events } = setup(sink.spec());
  try {
    hub.emit("ERROR", "fatal", proc("web"), { reason: "exited too quickly" });
    await waitFor(() => events("alert-sent").length === 1, { what: "alert-sent" });
    assert.equal(sink.mails.length, 1);
    const mail = sink.mails[0]!;
    assert.deepEqual(mail.rcptTo, ["ops@example.com"]);
    assert.equal(mail.mailFrom, "taskmaster@test.invalid");
    assert.equal(mail.parsed.subject, "[taskmaster testhost] fatal web");
    assert.match(mail.parsed.text ?? "", /FATAL: web:0 gave up: exited too quickly/);
    assert.ok(mail.headerLines.some((line) => /^content-type: text\/plain/i.test(line)));
    assert.equal(mail.parsed.html, false);
    assert.deepEqual(alerter.stats, { sent: 1, failed: 0, dropped: 0 });
    assert.match(String(events("alert-sent")[0]?.fields.reply), /^250 /);
  } finally {
    await alerter.close();
    await sink.close();
  }
});

Deno.test("Alerter sends one mail for a crash loop of many unexpected exits", async () => {
  const sink = await startSink();
  const { hub, alerter, events } = setup(sink.spec());
  try {
    for (let i = 0; i < 200; i++) {
      hub.emit("WARN", "exited", proc("flaky"), { pid: 1000 + i, code: 1, expected: false });
    }
    hub.emit("ERROR", "fatal", proc("flaky"), { reason: "too many retries" });
    await waitFor(() => events("alert-sent").length === 1, { what: "alert-sent" });
    // A second crash storm within the cooldown adds nothing; a later fatal gets its own batch.
    for (let i = 0; i < 200; i++) {
      hub.emit("WARN", "exited", proc("flaky"), { pid: 2000 + i, code: 1, expected: false });
    }
    hub.emit("ERROR", "reload-failed", null, { reason: "bad yaml" });
    await waitFor(() => events("alert-sent").length === 2, { what: "second alert-sent" });
    assert.equal(sink.mails.length, 2);
    assert.equal(
      sink.mails[0]?.parsed.subject,
      "[taskmaster testhost] crashloop flaky; fatal flaky",
    );
    assert.equal(sink.mails[1]?.parsed.subject, "[taskmaster testhost] reload-failed");
  } finally {
    await alerter.close();
    await sink.close();
  }
});

Deno.test("Alerter keeps CR/LF injection out of the headers", async () => {
  const sink = await startSink();
  const { hub, alerter, events } = setup(sink.spec());
  const evil = "web\r\nBcc: evil@x\r\nX-Evil: 1";
  try {
    hub.emit("ERROR", "fatal", { process: `${evil}:0`, program: evil }, {
      reason: `boom\r\nBcc: evil@x\r\n\r\n.\r\nMAIL FROM:<x@y>`,
    });
    for (let i = 0; i < 60; i++) {
      hub.emit("ERROR", "fatal", { process: `${evil}${i}:0`, program: `${evil}${i}` });
    }
    await waitFor(() => events("alert-sent").length === 1, { what: "alert-sent" });
    assert.equal(sink.mails.length, 1);
    const mail = sink.mails[0]!;
    assert.deepEqual(mail.rcptTo, ["ops@example.com"], "no extra envelope recipient");
    assert.equal(mail.parsed.bcc, undefined);
    assert.ok(
      !mail.headerLines.some((line) => /^(bcc|x-evil):/i.test(line)),
      mail.headerLines.join("\n"),
    );
    const subject = mail.parsed.subject ?? "";
    assert.ok(!/[\r\n]/.test(subject) && subject.length <= 200, `subject: ${subject}`);
    assert.ok(subject.startsWith("[taskmaster testhost] fatal web Bcc: evil@x X-Evil: 1,"));
    const subjectHeaders = mail.headerLines.filter((line) => /^subject:/i.test(line));
    assert.equal(subjectHeaders.length, 1);
  } finally {
    await alerter.close();
    await sink.close();
  }
});

Deno.test("Alerter.test() sends at once and resolves with the 250 reply", async () => {
  const sink = await startSink();
  const { alerter, events } = setup(sink.spec({ from: "alerts@test.invalid" }));
  try {
    const reply = await alerter.test();
    assert.match(reply, /^250 /);
    assert.equal(sink.mails.length, 1);
    assert.equal(sink.mails[0]?.parsed.subject, "[taskmaster testhost] test");
    assert.equal(sink.mails[0]?.mailFrom, "alerts@test.invalid");
    assert.equal(events("alert-sent")[0]?.fields.kind, "test");
  } finally {
    await alerter.close();
    await sink.close();
  }
});

Deno.test("Alerter.test() rejects clearly when alerts are off or SMTP is down", async () => {
  const { alerter, set, events } = setup(smtpSpec(closedPort()), { email: [] });
  try {
    await assert.rejects(() => alerter.test(), /taskmaster\.email is empty/);
    set({ email: ["ops@example.com"] });
    await assert.rejects(() => alerter.test(), /test mail to 127\.0\.0\.1:\d+ failed: .+/);
    assert.equal(events("alert-failed").length, 1);
  } finally {
    await alerter.close();
  }
});

Deno.test("Alerter uses STARTTLS with AUTH; the password never shows in events", async () => {
  const password = "canary-PW-4711";
  const sink = await startSink({ tls: true, auth: { user: "alice", pass: password } });
  const spec = sink.spec({ host: "localhost", tlsverify: false, user: "alice", password });
  const { hub, alerter, events } = setup(spec);
  try {
    hub.emit("ERROR", "http-error", null, { reason: "address in use" });
    await waitFor(() => events("alert-sent").length === 1, { what: "alert-sent" });
    assert.equal(sink.logins(), 1);
    assert.equal(sink.mails[0]?.parsed.subject, "[taskmaster testhost] http-error");
    // With verification on, the self-signed certificate is refused and the failure is logged.
    const { alerter: strict, events: strictEvents, hub: strictHub } = setup({
      ...spec,
      tlsverify: true,
    });
    try {
      await assert.rejects(() => strict.test(), /certificate|self[- ]signed/i);
      strictHub.emit("ERROR", "fatal", proc("web"));
      // The test mail's failure, then the alert mail's: WARN per failed attempt, ERROR at the end.
      await waitFor(() => strictEvents("alert-failed").some((e) => e.level === "ERROR"), {
        what: "alert mail given up",
      });
      assert.deepEqual(strictEvents("alert-failed").map((e) => e.level), [
        "WARN",
        "WARN",
        "WARN",
        "ERROR",
      ]);
      assert.ok(
        strictEvents("alert-failed").every((e) =>
          /certificate|self[- ]signed/i.test(`${e.fields.reason}`)
        ),
      );
    } finally {
      await strict.close();
    }
    const all = [...hub.recent(), ...strictHub.recent()].map((e) => JSON.stringify(e));
    assert.ok(!all.some((line) => line.includes(password)));
    assert.ok(!sink.mails.some((mail) => mail.raw.includes(password)));
  } finally {
    await alerter.close();
    await sink.close();
  }
});

Deno.test("Alerter applies config changes live: recipients, kinds, SMTP server", async () => {
  const first = await startSink();
  const second = await startSink();
  const { hub, alerter, events, set } = setup(first.spec());
  try {
    set({ alerts: { ...FAST, fatal: false } });
    hub.emit("ERROR", "fatal", proc("web"));
    set({ email: ["a@example.com", "b@example.com"], smtp: second.spec(), alerts: FAST });
    hub.emit("ERROR", "fatal", proc("api"));
    await waitFor(() => events("alert-sent").length === 1, { what: "alert-sent" });
    assert.equal(first.mails.length, 0);
    assert.deepEqual(second.mails[0]?.rcptTo, ["a@example.com", "b@example.com"]);
    assert.equal(second.mails[0]?.parsed.subject, "[taskmaster testhost] fatal api");
  } finally {
    await alerter.close();
    await first.close();
    await second.close();
  }
});
