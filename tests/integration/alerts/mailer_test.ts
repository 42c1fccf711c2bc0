import assert from "node:assert/strict";
import { waitFor } from "../../helpers/wait_for.ts";
import { createSmtpTransport } from "../../../src/alerts/mailer.ts";
import { closedPort, smtpSpec, startSink, startStalledServer } from "./smtp_sink.ts";

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

Deno.test("createSmtpTransport() fails fast on a closed port", async () => {
  const transport = createSmtpTransport(
    smtpSpec(closedPort()),
    { timeoutMs: 2000 },
  );
  try {
    const started = performance.now();
    await assert.rejects(() => transport.send(MESSAGE));
    assert.ok(performance.now() - started < 1500, "a refused connection must fail at once");
  } finally {
    await transport.close();
  }
});

Deno.test("createSmtpTransport() times out on a server that never greets, and close() aborts", async () => {
  const stalled = startStalledServer();
  const spec = smtpSpec(stalled.port);
  const timed = createSmtpTransport(spec, { timeoutMs: 200 });
  const aborted = createSmtpTransport(spec, { timeoutMs: 60_000 });
  try {
    const started = performance.now();
    await assert.rejects(() => timed.send(MESSAGE), /greeting|time/i);
    assert.ok(performance.now() - started < 2000);
    const pending = aborted.send(MESSAGE);
    pending.catch(() => {});
    await waitConnections(stalled.connections, 2);
    const closing = performance.now();
    await aborted.close();
    await assert.rejects(() => pending);
    assert.ok(performance.now() - closing < 500, "close() must abort a stalled conversation");
  } finally {
    await timed.close();
    await aborted.close();
    await stalled.close();
  }
});

async function waitConnections(count: () => number, n: number): Promise<void> {
  await waitFor(() => count() >= n, { timeoutMs: 5000, what: `${n} connections` });
}
