import assert from "node:assert/strict";
import { waitFor } from "../../helpers/wait_for.ts";
import { createSmtpTransport } from "../../../src/alerts/mailer.ts";
import { closedPort, settleWithin, smtpSpec, startSink, startStalledServer } from "./smtp_sink.ts";

const MESSAGE = {
  from: "taskmaster@test.invalid",
  to: ["ops@example.com", "oncall@example.com"],
  subject: "hello",
  text: "body line\n",
};

Deno.test("createSmtpTransport() delivers a plain mail and resolves with the 250 reply", async () => {
  const sink = await startSink();
  const transport = createSmtpTransport(sink.spec());
  try {
    const reply = await transport.send(MESSAGE);
    assert.match(reply, /^250 /);
    assert.deepEqual(sink.mails.length, 1);
    assert.deepEqual(sink.mails[0]?.rcptTo, ["ops@example.com", "oncall@example.com"]);
    assert.deepEqual(sink.mails[0]?.parsed.subject, "hello");
  } finally {
    await transport.close();
    await sink.close();
  }
});

Deno.test("createSmtpTransport() uses STARTTLS with a self-signed cert when tlsverify is false", async () => {
  const sink = await startSink({ tls: true });
  const transport = createSmtpTransport(sink.spec({ tlsverify: false, host: "localhost" }));
  try {
    assert.match(await transport.send(MESSAGE), /^250 /);
    assert.deepEqual(sink.mails.length, 1);
  } finally {
    await transport.close();
    await sink.close();
  }
});

Deno.test("createSmtpTransport() refuses a self-signed cert when tlsverify is true", async () => {
  const sink = await startSink({ tls: true });
  const transport = createSmtpTransport(sink.spec({ tlsverify: true, host: "localhost" }));
  try {
    await assert.rejects(() => transport.send(MESSAGE), /certificate|self[- ]signed/i);
    assert.deepEqual(sink.mails.length, 0);
  } finally {
    await transport.close();
    await sink.close();
  }
});

Deno.test("createSmtpTransport() speaks implicit TLS when secure is true", async () => {
  const sink = await startSink({ secure: true });
  const transport = createSmtpTransport(
    sink.spec({ secure: true, tlsverify: false, host: "localhost" }),
  );
  try {
    assert.match(await transport.send(MESSAGE), /^250 /);
    assert.deepEqual(sink.mails.length, 1);
  } finally {
    await transport.close();
    await sink.close();
  }
});

Deno.test("createSmtpTransport() authenticates with user and password", async () => {
  const sink = await startSink({ tls: true, auth: { user: "alice", pass: "s3cret" } });
  const good = createSmtpTransport(
    sink.spec({ user: "alice", password: "s3cret", tlsverify: false, host: "localhost" }),
  );
  const bad = createSmtpTransport(
    sink.spec({ user: "alice", password: "wrong", tlsverify: false, host: "localhost" }),
  );
  try {
    assert.match(await good.send(MESSAGE), /^250 /);
    assert.deepEqual(sink.logins(), 1);
    await assert.rejects(() => bad.send(MESSAGE), (error) => {
      assert.ok(!String(error).includes("wrong"), "the password must not appear in the error");
      return true;
    });
    assert.deepEqual(sink.mails.length, 1);
  } finally {
    await good.close();
    await bad.close();
    await sink.close();
  }
});

Deno.test("createSmtpTransport() fails on a refused connection itself, not on a timeout", async () => {
  // A 60 s timeout: a rejection naming the refusal within the deadline can only come from it.
  const transport = createSmtpTransport(smtpSpec(closedPort()), { timeoutMs: 60_000 });
  try {
    const sent = await settleWithin(transport.send(MESSAGE), 15_000, "send to a closed port");
    assert.ok(!sent.ok, "a refused connection cannot deliver");
    assert.match(String(sent.error), /ECONNREFUSED|refused/i);
  } finally {
    await transport.close();
  }
});

Deno.test("createSmtpTransport() times out on a server that never greets", async () => {
  const stalled = startStalledServer();
  const timed = createSmtpTransport(smtpSpec(stalled.port), { timeoutMs: 200 });
  try {
    const sent = await settleWithin(timed.send(MESSAGE), 15_000, "send to a silent server");
    assert.ok(!sent.ok);
    assert.match(String(sent.error), /greeting|time/i, "the SMTP timeout ended it");
    await waitFor(() => stalled.open() === 0, { timeoutMs: 15_000, what: "socket released" });
  } finally {
    await timed.close();
    await stalled.close();
  }
});

Deno.test("createSmtpTransport() close() aborts a stalled conversation", async () => {
  const stalled = startStalledServer();
  // A 60 s timeout: only close() can end this conversation within the deadlines below.
  const aborted = createSmtpTransport(smtpSpec(stalled.port), { timeoutMs: 60_000 });
  try {
    const pending = settleWithin(aborted.send(MESSAGE), 15_000, "the aborted send");
    await waitFor(() => stalled.open() === 1, { timeoutMs: 5000, what: "the conversation" });
    const closed = await settleWithin(aborted.close(), 15_000, "close()");
    assert.ok(closed.ok, String(!closed.ok && closed.error));
    const sent = await pending;
    assert.ok(!sent.ok, "the send in flight fails");
    assert.match(String(sent.error), /closed/i);
    await waitFor(() => stalled.open() === 0, {
      timeoutMs: 15_000,
      what: "the server seeing the socket closed",
    });
    assert.equal(stalled.connections(), 1);
    await assert.rejects(() => aborted.send(MESSAGE), /mail transport closed/);
  } finally {
    await aborted.close();
    await stalled.close();
  }
});
