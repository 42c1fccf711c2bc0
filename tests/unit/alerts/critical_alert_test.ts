/**
 * The `critical` alert kind (docs/alerts.md): raised by `critical-exit`, sent at once instead of
 * at the end of the batch window, ahead of waiting mails, and `drain` gives pending mail a bounded
 * grace before the daemon exits. Fake clock, fake transport.
 */
import assert from "node:assert/strict";
import { Alerter, type AlertSettings } from "../../../src/alerts/alerter.ts";
import { AlertBatcher } from "../../../src/alerts/batcher.ts";
import type { MailMessage, MailTransport } from "../../../src/alerts/mailer.ts";
import { SendQueue } from "../../../src/alerts/send_queue.ts";
import { EventHub } from "../../../src/events.ts";
import type { LogEvent } from "../../../src/protocol/types.ts";
import { FakeClock } from "../../helpers/fake_clock.ts";
import { alertRules } from "../../helpers/specs.ts";

const CRITICAL_FIELDS = {
  mode: "unexpected",
  reason: "exit status 3 (unexpected)",
  code: 3,
  signal: null,
  exitcode: 3,
};

function criticalEvent(): LogEvent {
  return {
    seq: 1,
    time: "2026-01-01T00:00:00.000Z",
    level: "ERROR",
    process: "main",
    program: "main",
    event: "critical-exit",
    fields: CRITICAL_FIELDS,
  };
}

/** Records sends; answers at once with `instant`, else never (until closed). */
class Transport implements MailTransport {
  readonly sent: Array<{ at: number; message: MailMessage }> = [];
  instant = true;
  #pending: Array<(error: Error) => void> = [];
  constructor(private readonly clock: FakeClock) {}
  send(message: MailMessage): Promise<string> {
    this.sent.push({ at: this.clock.now(), message });
    if (this.instant) return Promise.resolve("250 ok");
    return new Promise((_resolve, reject) => this.#pending.push(reject));
  }
  /** Like the real transport, closing aborts the sends in flight. */
  close(): Promise<void> {
    for (const abort of this.#pending.splice(0)) abort(new Error("transport closed"));
    return Promise.resolve();
  }
}

function rig(settings: Partial<AlertSettings> = {}) {
  const clock = new FakeClock();
  const hub = new EventHub(() => new Date(clock.wall()));
  const transport = new Transport(clock);
  const alerter = new Alerter(hub, {
    spec: () => ({
      email: ["ops@example.com"],
      smtp: {
        host: "mail.invalid",
        port: 25,
        secure: false,
        user: null,
        password: null,
        from: "tm@example.com",
        tlsverify: true,
      },
      alerts: alertRules(),
      ...settings,
    }),
    hostname: "box",
    transport: () => transport,
    clock,
  });
  return { clock, hub, transport, alerter };
}

Deno.test("batcher: critical-exit is an urgent critical alert; the switch turns it off", () => {
  const batcher = new AlertBatcher();
  assert.equal(batcher.offer(criticalEvent(), 0, alertRules()), "opened");
  assert.equal(batcher.urgent, true);
  assert.deepEqual(batcher.take()?.items.map((i) => i.kind), ["critical"]);
  assert.equal(batcher.urgent, false);
  assert.equal(batcher.offer(criticalEvent(), 0, alertRules({ critical: false })), "ignored");
});

Deno.test("alerter: a critical alert closes the open batch at once, with what it held", async () => {
  const r = rig();
  r.hub.emit("ERROR", "fatal", { process: "side", program: "side" }, { reason: "exit status 1" });
  await r.clock.tick(2000);
  assert.equal(r.transport.sent.length, 0, "a fatal alone waits for the 10 s window");
  r.hub.emit("ERROR", "critical-exit", { process: "main", program: "main" }, CRITICAL_FIELDS);
  await r.clock.tick(0);
  assert.equal(r.transport.sent.length, 1);
  const mail = r.transport.sent[0]!;
  assert.equal(mail.at - r.clock.now(), 0);
  assert.match(mail.message.subject, /fatal side; critical main/);
  assert.match(
    mail.message.text,
    /- CRITICAL: main ended the daemon \(exit status 3 \(unexpected\)\); taskmasterd exits 3/,
  );
  await r.clock.tick(20_000);
  assert.equal(r.transport.sent.length, 1, "nothing left for the old window");
  await r.alerter.close();
});

Deno.test("alerter: drain flushes the open batch and waits for delivery, at most the grace", async () => {
  const r = rig();
  r.hub.emit("ERROR", "fatal", { process: "side", program: "side" }, { reason: "x" });
  const drained = r.alerter.drain(10_000);
  await r.clock.flush();
  assert.equal(r.transport.sent.length, 1, "sent without waiting for the window");
  await drained;

  const stalled = rig();
  stalled.transport.instant = false;
  stalled.hub.emit("ERROR", "critical-exit", { process: "main", program: "main" }, CRITICAL_FIELDS);
  let done = false;
  const grace = stalled.alerter.drain(10_000).then(() => done = true);
  await stalled.clock.tick(9_999);
  assert.equal(done, false, "still within the grace");
  await stalled.clock.tick(1);
  await grace;
  assert.equal(done, true, "gave up waiting after 10 s");
  await stalled.alerter.close();
});

Deno.test("send queue: an item pushed first goes ahead of the waiting ones", async () => {
  const order: string[] = [];
  let release: (() => void) | null = null;
  const queue = new SendQueue<string>({
    limit: 4,
    retryDelays: () => [],
    send: (item) => {
      order.push(item);
      return item === "busy" ? new Promise((resolve) => release = () => resolve("250")) : Promise
        .resolve("250");
    },
    onSent: () => {},
    onFailed: () => {},
  });
  queue.push("busy");
  queue.push("a");
  queue.push("b");
  queue.push("urgent", { first: true });
  release!();
  await queue.idle();
  assert.deepEqual(order, ["busy", "urgent", "a", "b"]);
});
