/**
 * Alerter timing on a fake clock with a fake transport (no SMTP, no real time): batching into one
 * mail, crash-loop detection and cooldowns, and how delivery trouble is logged — each failed
 * attempt as a WARN with the delay before the next, the give-up as one ERROR, once per mail.
 */
import assert from "node:assert/strict";
import { Alerter, type AlertSettings, QUEUE_LIMIT } from "../../../src/alerts/alerter.ts";
import type { MailMessage, MailTransport } from "../../../src/alerts/mailer.ts";
import { EventHub, formatEvent } from "../../../src/events.ts";
import type { SmtpSpec } from "../../../src/config/types.ts";
import type { EventName } from "../../../src/protocol/types.ts";
import { FakeClock } from "../../helpers/fake_clock.ts";
import { alertRules } from "../../helpers/specs.ts";

const PASSWORD = "canary-PW-4711";

const SMTP: SmtpSpec = {
  host: "mail.test.invalid",
  port: 25,
  secure: false,
  user: "alice",
  password: PASSWORD,
  from: "taskmaster@test.invalid",
  tlsverify: true,
};

/**
 * A transport whose every send is answered by `reply` (a rejection = a failed attempt). Like the
 * real one, close() aborts the sends still in flight.
 */
class FakeTransport implements MailTransport {
  readonly attempts: Array<{ at: number; message: MailMessage }> = [];
  reply: (message: MailMessage) => Promise<string> = () => Promise.resolve("250 queued");
  closed = false;
  #aborts = new Set<(error: Error) => void>();

  constructor(private readonly clock: FakeClock) {}

  send(message: MailMessage): Promise<string> {
    this.attempts.push({ at: this.clock.now(), message });
    return new Promise<string>((resolve, reject) => {
      this.#aborts.add(reject);
      this.reply(message).then(resolve, reject).finally(() => this.#aborts.delete(reject));
    });
  }

  close(): Promise<void> {
    this.closed = true;
    for (const abort of this.#aborts) abort(new Error("mail transport closed"));
    return Promise.resolve();
  }

  get subjects(): string[] {
    return this.attempts.map((a) => a.message.subject);
  }
}

/** An Alerter on a fake clock (event times follow it) with the default rules (10 s window). */
function rig(overrides: Partial<AlertSettings> = {}) {
  const clock = new FakeClock();
  const hub = new EventHub(() => new Date(clock.wall()));
  const transport = new FakeTransport(clock);
  const settings: AlertSettings = {
    email: ["ops@example.com"],
    smtp: SMTP,
    alerts: alertRules(),
    ...overrides,
  };
  const alerter = new Alerter(hub, {
    spec: () => settings,
    hostname: "testhost",
    transport: () => transport,
    clock,
  });
  /** Our own alert events as event-log lines without the timestamp. */
  const lines = (name: EventName = "alert-failed") =>
    hub.recent().filter((e) => e.event === name).map((e) => formatEvent(e).slice(25));
  return { clock, hub, transport, alerter, lines };
}

const who = (program: string) => ({ process: `${program}:0`, program });
const SECOND = 1000;

Deno.test("Alerter batches every alert of one window into one mail, sent when the window ends", async () => {
  const { clock, hub, transport, alerter, lines } = rig();
  try {
    hub.emit("ERROR", "fatal", who("web"), { reason: "exited too quickly" });
    await clock.tick(4 * SECOND);
    hub.emit("ERROR", "reload-failed", null, { reason: "bad yaml" });
    hub.emit("ERROR", "fatal", who("api"));
    await clock.tick(6 * SECOND - 1);
    assert.equal(transport.attempts.length, 0, "nothing before the 10 s window is over");
    await clock.tick(1);
    assert.deepEqual(transport.subjects, ["[taskmaster testhost] fatal web,api; reload-failed"]);
    assert.equal(transport.attempts[0]?.at, 10 * SECOND);
    assert.deepEqual(lines("alert-sent"), [
      'INFO - alert-sent alerts=3 kinds=fatal,reload-failed lost=0 reply="250 queued"',
    ]);
    // The next alert opens a new window of its own.
    await clock.tick(30 * SECOND);
    hub.emit("ERROR", "fatal", who("db"));
    await clock.tick(10 * SECOND);
    assert.deepEqual(transport.subjects.slice(1), ["[taskmaster testhost] fatal db"]);
    assert.deepEqual(alerter.stats, { sent: 2, failed: 0, dropped: 0 });
  } finally {
    await alerter.close();
  }
});

Deno.test("Alerter does O(1) work per event: a 1000-event storm arms one timer and sends nothing", async () => {
  const { clock, hub, transport, alerter } = rig();
  try {
    for (let i = 0; i < 1000; i++) {
      const program = `p${i % 50}`;
      if (i % 10 === 0) hub.emit("ERROR", "fatal", who(program), { reason: "gave up" });
      else if (i % 10 === 1) hub.emit("WARN", "log-loss", who(program), { bytes: 4096 });
      else hub.emit("WARN", "exited", who(program), { pid: i, code: 1, expected: false });
    }
    assert.equal(transport.attempts.length, 0, "no send inside emit()");
    assert.equal(clock.pending, 1, "one batch timer for the whole storm");
    await clock.tick(10 * SECOND);
    assert.equal(transport.attempts.length, 1, "one mail for the storm");
    assert.match(transport.subjects[0] ?? "", /\(\+\d+ more\)$/);
  } finally {
    await alerter.close();
  }
});

Deno.test("Alerter reports a crash loop at the 5th unexpected exit within 60 s, then cools down 10 min", async () => {
  const { clock, hub, transport, alerter } = rig();
  const exit = (program = "flaky") =>
    hub.emit("WARN", "exited", who(program), { code: 1, expected: false });
  try {
    // Exits at 0, 15, 30, 45 s and 61 s: the one at 0 has left the window, so 4 count — no alert.
    for (const at of [0, 15, 30, 45, 61]) {
      await clock.tick(at * SECOND - clock.now());
      exit();
    }
    hub.emit("INFO", "exited", who("flaky"), { code: 0, expected: true });
    await clock.tick(10 * SECOND);
    assert.equal(transport.attempts.length, 0, "4 exits within 60 s are no crash loop");
    // A 5th unexpected exit within 60 s of the 4 others (at 71 s): crash loop.
    exit();
    await clock.tick(10 * SECOND);
    assert.deepEqual(transport.subjects, ["[taskmaster testhost] crashloop flaky"]);
    assert.match(transport.attempts[0]?.message.text ?? "", /exited unexpectedly 5 times/);
    // Another full loop 5 minutes later is inside the 600 s cooldown: no mail.
    await clock.tick(300 * SECOND);
    for (let i = 0; i < 5; i++) exit();
    // Another program has its own cooldown.
    for (let i = 0; i < 5; i++) exit("other");
    await clock.tick(10 * SECOND);
    assert.deepEqual(transport.subjects.slice(1), ["[taskmaster testhost] crashloop other"]);
    // Once the cooldown is over (600 s after the first mail's alert), a loop alerts again.
    await clock.tick(600 * SECOND);
    for (let i = 0; i < 5; i++) exit();
    await clock.tick(10 * SECOND);
    assert.deepEqual(transport.subjects.slice(2), ["[taskmaster testhost] crashloop flaky"]);
  } finally {
    await alerter.close();
  }
});

Deno.test("Alerter sends log-loss and http-error once per cooldown per program", async () => {
  const { clock, hub, transport, alerter } = rig();
  const loss = (program: string) =>
    hub.emit("WARN", "log-loss", who(program), { bytes: 10, stream: "stdout" });
  try {
    loss("web");
    loss("web");
    loss("api");
    hub.emit("ERROR", "http-error", null, { reason: "address in use" });
    hub.emit("ERROR", "http-error", null, { reason: "address in use" });
    await clock.tick(10 * SECOND);
    assert.deepEqual(transport.subjects, ["[taskmaster testhost] log-loss web,api; http-error"]);
    const body = transport.attempts[0]?.message.text ?? "";
    assert.equal(body.match(/- LOG LOSS: web:0/g)?.length, 1, body);
    assert.equal(body.match(/- HTTP ERROR/g)?.length, 1, body);
    // Within the 600 s cooldown the same conditions stay quiet; a new program does not.
    await clock.tick(500 * SECOND);
    loss("web");
    hub.emit("ERROR", "http-error", null, { reason: "address in use" });
    loss("db");
    await clock.tick(10 * SECOND);
    assert.deepEqual(transport.subjects.slice(1), ["[taskmaster testhost] log-loss db"]);
    // After the cooldown, they alert again.
    await clock.tick(100 * SECOND);
    loss("web");
    hub.emit("ERROR", "http-error", null, { reason: "address in use" });
    await clock.tick(10 * SECOND);
    assert.deepEqual(transport.subjects.slice(2), [
      "[taskmaster testhost] log-loss web; http-error",
    ]);
  } finally {
    await alerter.close();
  }
});

Deno.test("Alerter logs each failed attempt (WARN, with the next delay) and the give-up (ERROR), once per mail", async () => {
  const { clock, hub, transport, alerter, lines } = rig();
  // The server's error echoes the password, as some do: it must never reach a line.
  transport.reply = () =>
    Promise.reject(new Error(`connect ECONNREFUSED 10.0.0.9:25 (auth alice:${PASSWORD})`));
  const reason = `reason="connect ECONNREFUSED 10.0.0.9:25 (auth alice:***)"`;
  try {
    hub.emit("ERROR", "fatal", who("web"), { reason: "exited too quickly" });
    hub.emit("ERROR", "fatal", who("api"));
    hub.emit("ERROR", "reload-failed", null, { reason: "bad yaml" });
    await clock.tick(10 * SECOND);
    // The first attempt fails at the end of the window and is logged at once, not after retries.
    assert.deepEqual(lines(), [
      `WARN - alert-failed ${reason} attempt=1 delay=10 alerts=3 kinds=fatal,reload-failed`,
    ]);
    assert.equal(
      hub.recent().find((e) => e.event === "alert-failed")?.time,
      "2026-01-01T00:00:10.000Z",
    );
    await clock.tick(10 * SECOND);
    assert.equal(lines().length, 2);
    assert.equal(
      lines()[1],
      `WARN - alert-failed ${reason} attempt=2 delay=30 alerts=3 kinds=fatal,reload-failed`,
    );
    await clock.tick(30 * SECOND - 1);
    assert.equal(lines().length, 2, "the third attempt waits the full 30 s");
    await clock.tick(1);
    assert.deepEqual(transport.attempts.map((a) => a.at / SECOND), [10, 20, 50]);
    assert.equal(
      lines()[2],
      `ERROR - alert-failed ${reason} attempts=3 alerts=3 kinds=fatal,reload-failed failed=1 dropped=0`,
    );
    assert.deepEqual(alerter.stats, { sent: 0, failed: 1, dropped: 0 });
    // A second mail that fails logs its own attempts: 3 more lines, not one per alert in it.
    hub.emit("ERROR", "fatal", who("db"));
    hub.emit("ERROR", "fatal", who("cache"));
    await clock.tick(60 * SECOND);
    assert.deepEqual(lines().slice(3).map((l) => l.split(" ")[0]), ["WARN", "WARN", "ERROR"]);
    assert.match(lines()[5] ?? "", / attempts=3 alerts=2 kinds=fatal failed=2 dropped=0$/);
    // The server is back: the next mail goes through and reports both lost mails.
    transport.reply = () => Promise.resolve("250 queued");
    hub.emit("ERROR", "fatal", who("z"));
    await clock.tick(10 * SECOND);
    assert.deepEqual(lines("alert-sent"), [
      `INFO - alert-sent alerts=1 kinds=fatal lost=2 reply="250 queued"`,
    ]);
    assert.match(
      transport.attempts.at(-1)?.message.text ?? "",
      /2 earlier alert mail\(s\) could not be delivered/,
    );
    const all = hub.recent().map((e) => JSON.stringify(e));
    assert.ok(!all.some((line) => line.includes(PASSWORD)), "no event carries the password");
  } finally {
    await alerter.close();
  }
});

Deno.test("Alerter: a full send queue drops mails, counted, logged once per outage", async () => {
  const { clock, hub, transport, alerter, lines } = rig({ alerts: alertRules({ batchWindow: 0 }) });
  transport.reply = () => new Promise<string>(() => {}); // a server that never answers
  try {
    for (let i = 0; i < QUEUE_LIMIT + 6; i++) {
      hub.emit("ERROR", "fatal", who(`p${i}`));
      await clock.tick(0);
    }
    // One in flight, QUEUE_LIMIT waiting, 5 dropped; one conversation at a time.
    assert.equal(transport.attempts.length, 1);
    assert.deepEqual(alerter.stats, { sent: 0, failed: 0, dropped: 5 });
    assert.deepEqual(lines(), [
      `ERROR - alert-failed reason="alert queue full (${QUEUE_LIMIT} mails waiting); alert mail dropped" failed=0 dropped=1`,
    ]);
  } finally {
    await alerter.close();
  }
});

Deno.test("Alerter.close() cancels the open batch and every timer; no mail afterwards", async () => {
  const { clock, hub, transport, alerter } = rig();
  transport.reply = () => Promise.reject(new Error("down"));
  hub.emit("ERROR", "fatal", who("web"));
  await clock.tick(10 * SECOND);
  hub.emit("ERROR", "fatal", who("api"));
  assert.equal(clock.pending, 2, "the retry delay and the new batch window");
  await alerter.close();
  assert.equal(clock.pending, 0);
  assert.ok(transport.closed);
  hub.emit("ERROR", "fatal", who("db"));
  await clock.tick(120 * SECOND);
  assert.equal(transport.attempts.length, 1);
});
