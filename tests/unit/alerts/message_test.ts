import assert from "node:assert/strict";
import {
  alertMail,
  alertSubject,
  headerSafe,
  MAX_SUBJECT,
  testMail,
} from "../../../src/alerts/message.ts";
import type { AlertBatch, AlertItem } from "../../../src/alerts/batcher.ts";
import type { LogEvent } from "../../../src/protocol/types.ts";

const EVIL = "web\r\nBcc: evil@x\r\n\r\nhi";

function item(kind: AlertItem["kind"], program: string, fields: LogEvent["fields"] = {}) {
  const event: LogEvent = {
    seq: 1,
    time: "2026-01-01T00:00:00.000Z",
    level: "ERROR",
    process: program === "-" ? "-" : `${program}:0`,
    program,
    event: kind === "crashloop" ? "exited" : kind === "reload-failed" ? "reload-failed" : "fatal",
    fields,
  };
  return { kind, event } satisfies AlertItem;
}
const batch = (...items: AlertItem[]): AlertBatch => ({ items, omitted: 0 });
const ENVELOPE = { host: "box", from: "taskmaster@box", to: ["ops@example.com"] };

Deno.test("headerSafe() turns every control character into a space and caps the length", () => {
  assert.equal(headerSafe("a\r\nBcc: x\t\u0000y\u2028z\u0085"), "a Bcc: x y z");
  const long = headerSafe("x".repeat(500));
  assert.equal(long.length, MAX_SUBJECT);
  assert.ok(long.endsWith("..."));
});

Deno.test("alertSubject() names host, kinds and programs on one line", () => {
  const subject = alertSubject(
    "box",
    batch(item("fatal", "web"), item("fatal", "api"), item("reload-failed", "-")),
  );
  assert.equal(subject, "[taskmaster box] fatal web,api; reload-failed");
});

Deno.test("alertSubject() stays one line and ≤ 200 characters for hostile names", () => {
  const many = Array.from({ length: 40 }, (_, i) => item("fatal", `${EVIL}-${i}`));
  const subject = alertSubject("bad\r\nhost", { items: many, omitted: 7 });
  assert.ok(subject.length <= MAX_SUBJECT, `length ${subject.length}`);
  assert.ok(!/[\r\n]/.test(subject));
  assert.ok(subject.startsWith("[taskmaster bad host] fatal web Bcc: evil@x hi-0,"));
});

Deno.test("alertMail() keeps each alert to one body line and reports delivery trouble", () => {
  const mail = alertMail(
    ENVELOPE,
    batch(item("fatal", "web", { reason: `boom${EVIL}` }), item("reload-failed", "-")),
    { failed: 2, dropped: 1 },
  );
  assert.deepEqual(mail.to, ["ops@example.com"]);
  assert.ok(!mail.text.split("\n").some((line) => line.startsWith("Bcc:")));
  assert.match(mail.text, /- FATAL: web:0 gave up: boomweb Bcc: evil@x hi/);
  assert.match(mail.text, /2 earlier alert mail\(s\) could not be delivered/);
  assert.match(mail.text, /1 earlier alert mail\(s\) were dropped/);
});

Deno.test("testMail() and alertMail() strip line breaks from addresses", () => {
  const envelope = { host: "box", from: "a@b\r\nBcc: x@y", to: ["ops@x\nBcc: evil@x", "\r\n"] };
  const mail = testMail(envelope, new Date(0));
  assert.equal(mail.from, "a@b Bcc: x@y");
  assert.deepEqual(mail.to, ["ops@x Bcc: evil@x"]);
  assert.equal(mail.subject, "[taskmaster box] test");
});

Deno.test("alertMail() describes program and event-log losses", () => {
  const program = item("log-loss", "web", { bytes: 4096, stream: "stderr", reason: "ENOSPC" });
  const daemon = item("log-loss", "-", { file: "/var/log/t.log", reason: "disk full", lost: 3 });
  const text = alertMail(ENVELOPE, batch(program, daemon), { failed: 0, dropped: 0 }).text;
  assert.match(text, /- LOG LOSS: web:0 lost 4096 bytes of stderr \(ENOSPC\)/);
  assert.match(text, /- LOG LOSS: the event log lost output \(disk full\)/);
  assert.doesNotMatch(text, /Note:/);
});
