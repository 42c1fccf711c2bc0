/**
 * F20 (docs/reliability.md) with real sockets: a refused or stalled SMTP server never holds up the event
 * path (emit returns while the mail is still undelivered), each failed mail is logged as it
 * happens (WARN per failed attempt, ERROR at the give-up), the queue stays bounded, and the next
 * mail after recovery reports the loss. No wall-clock window is asserted: the proofs are the
 * order of events and what the transport and the server saw; deadlines only bound hangs.
 */
import assert from "node:assert/strict";
import { QUEUE_LIMIT } from "../../../src/alerts/alerter.ts";
import type { EventHub } from "../../../src/events.ts";
import type { AlertsSpec, SmtpSpec } from "../../../src/config/types.ts";
import type { LogEvent } from "../../../src/protocol/types.ts";
import { alertRules } from "../../helpers/specs.ts";
import { waitFor } from "../../helpers/wait_for.ts";
import { alerterRig } from "./alerter_rig.ts";
import { closedPort, settleWithin, smtpSpec, startSink, startStalledServer } from "./smtp_sink.ts";

const FAST: AlertsSpec = alertRules({ batchWindow: 0.05 });

function setup(smtp: SmtpSpec, timeoutMs: number, alerts: AlertsSpec = FAST) {
  return alerterRig(smtp, { alerts }, timeoutMs);
}

/**
 * Emits 1000 alert-worthy events and returns what emit() returned. emit() is synchronous: each
 * call returns its recorded event before any promise (a send attempt included) can settle.
 */
function storm(hub: EventHub): unknown[] {
  const returned: unknown[] = [];
  for (let i = 0; i < 1000; i++) {
    const program = `p${i % 50}`;
    const who = { process: `${program}:0`, program };
    if (i % 10 === 0) returned.push(hub.emit("ERROR", "fatal", who, { reason: "gave up" }));
    else if (i % 10 === 1) {
      returned.push(hub.emit("WARN", "log-loss", who, { bytes: 4096, stream: "stdout" }));
    } else returned.push(hub.emit("WARN", "exited", who, { pid: i, code: 1, expected: false }));
  }
  return returned;
}

/** Every emit() handed back its event (not a promise), and the hub recorded them all. */
function assertSynchronous(hub: EventHub, returned: unknown[]): void {
  assert.ok(returned.every((e) => (e as LogEvent).seq > 0 && !(e instanceof Promise)));
  assert.deepEqual(hub.recent(1000).map((e) => e.seq), returned.map((e) => (e as LogEvent).seq));
}

const levels = (events: LogEvent[]) => events.map((e) => e.level).join(",");

Deno.test("Alerter with SMTP refused: emit never waits, each attempt logged as it fails, recovery reports loss", async () => {
  const { hub, alerter, events, set, sends } = setup(smtpSpec(closedPort()), 2000);
  const sink = await startSink();
  try {
    assertSynchronous(hub, storm(hub));
    assert.equal(sends.started, 0, "emit() started no send: the mail waits for its batch window");
    // The first refused attempt is logged on its own, before the mail is retried or given up.
    await waitFor(() => events("alert-failed").length >= 1, { what: "first failed attempt" });
    const first = events("alert-failed")[0]!;
    assert.equal(first.level, "WARN");
    assert.match(String(first.fields.reason), /ECONNREFUSED|refused/i);
    assert.equal(first.fields.attempt, 1);
    assert.equal(first.fields.delay, 0.05);
    await waitFor(() => alerter.stats.failed >= 1, { what: "first failed mail" });
    assert.equal(levels(events("alert-failed")), "WARN,WARN,ERROR", "one line per attempt");
    assert.deepEqual(events("alert-failed").map((e) => e.fields.delay), [0.05, 0.15, undefined]);
    assert.equal(events("alert-failed")[2]?.fields.attempts, 3);
    assert.equal(sends.started, 3);
    // Two more mails fail: each logs its own attempts (not one line per alert in it).
    hub.emit("ERROR", "fatal", { process: "x:0", program: "x" });
    await waitFor(() => alerter.stats.failed >= 2, { what: "second failed mail" });
    hub.emit("ERROR", "fatal", { process: "y:0", program: "y" });
    await waitFor(() => alerter.stats.failed >= 3, { what: "third failed mail" });
    assert.equal(levels(events("alert-failed")), "WARN,WARN,ERROR,".repeat(3).slice(0, -1));
    // The server comes back (config reload points at a live one): the next mail says what was lost.
    set({ smtp: sink.spec() });
    hub.emit("ERROR", "fatal", { process: "z:0", program: "z" });
    await waitFor(() => events("alert-sent").length === 1, { what: "alert-sent after recovery" });
    assert.equal(events("alert-sent")[0]?.fields.lost, alerter.stats.failed);
    assert.match(
      sink.mails[0]?.parsed.text ?? "",
      /3 earlier alert mail\(s\) could not be delivered/,
    );
    // A new outage is logged again.
    set({ smtp: smtpSpec(closedPort()) });
    hub.emit("ERROR", "fatal", { process: "w:0", program: "w" });
    await waitFor(() => events("alert-failed").length === 10, { what: "second outage logged" });
  } finally {
    await alerter.close();
    await sink.close();
  }
});

Deno.test("Alerter with SMTP stalled: emit returns while a mail is stuck, close() does not hang", async () => {
  const stalled = startStalledServer();
  const { hub, alerter, events, sends } = setup(smtpSpec(stalled.port), 300);
  try {
    assertSynchronous(hub, storm(hub));
    assert.equal(sends.started, 0);
    await waitFor(() => stalled.connections() >= 1 && sends.started - sends.settled === 1, {
      what: "an attempt in flight to the stalled server",
    });
    // The hub keeps answering while the mail is stuck: emit() returns its event while the
    // attempt it would have to wait for is still in flight.
    const event = hub.emit("ERROR", "fatal", { process: "q:0", program: "q" });
    assert.equal(hub.recent(1)[0], event);
    assert.equal(sends.started - sends.settled, 1, "emit() returned before the attempt settled");
    await waitFor(() => events("alert-failed").length >= 1, {
      timeoutMs: 5000,
      what: "greeting timeout reported",
    });
    assert.equal(events("alert-failed")[0]?.level, "WARN");
    assert.match(String(events("alert-failed")[0]?.fields.reason), /greeting|time/i);
    assert.equal(events("alert-sent").length, 0);
  } finally {
    await alerter.close();
    await stalled.close();
  }
});

Deno.test("Alerter drops and counts batches beyond the queue bound; close() aborts the stalled send", async () => {
  const stalled = startStalledServer();
  const instant = { ...FAST, batchWindow: 0 };
  // A 60 s SMTP timeout: nothing but close() can end the stalled conversation within the test.
  const { hub, alerter, events, sends } = setup(smtpSpec(stalled.port), 60_000, instant);
  try {
    // Every batch closes at once (batchWindow 0); one sits in flight, QUEUE_LIMIT wait, rest drop.
    for (let i = 0; i < QUEUE_LIMIT + 6; i++) {
      hub.emit("ERROR", "fatal", { process: `p${i}:0`, program: `p${i}` });
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    await waitFor(() => alerter.stats.dropped >= 5, { what: "dropped batches" });
    assert.equal(events("alert-failed").length, 1, "the overflow is logged once");
    assert.match(String(events("alert-failed")[0]?.fields.reason), /queue full/);
    await waitFor(() => stalled.open() === 1, { what: "the stalled conversation" });
    assert.equal(stalled.connections(), 1, "one conversation at a time, no retry storm");
    // close() aborts the conversation: it settles, the attempt settles, the server sees the
    // socket closed — all long before the 60 s SMTP timeout could have done it.
    const closed = await settleWithin(alerter.close(), 15_000, "alerter.close()");
    assert.ok(closed.ok, String(!closed.ok && closed.error));
    assert.equal(sends.settled, sends.started, "no attempt left in flight");
    await waitFor(() => stalled.open() === 0, {
      timeoutMs: 15_000,
      what: "the server seeing the socket closed",
    });
  } finally {
    await alerter.close();
    await stalled.close();
  }
});
