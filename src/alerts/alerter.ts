/**
 * Alert e-mails (docs/alerts.md): subscribes to the event hub, turns critical events into
 * batched, rate-limited mails and sends them in the background. The hub listener does O(1) work
 * and never touches the network, so supervision never waits for mail. Each mail (one batch) that
 * fails logs `alert-failed` as it happens: WARN per failed attempt with the delay before the next
 * one, ERROR when it is given up; a full queue is logged once per outage. Every mail that goes
 * through logs `alert-sent`. Trouble is also counted in {@link Alerter.stats}. No line carries the
 * SMTP password. Time (batch window, retry delays, crash-loop window) comes from a {@link Clock}.
 */
import { type Clock, sleep, systemClock, type TimerId } from "../clock.ts";
import type { EventHub } from "../events.ts";
import type { AlertsSpec, SmtpSpec } from "../config/types.ts";
import type { LogEvent } from "../protocol/types.ts";
import { type AlertBatch, AlertBatcher } from "./batcher.ts";
import { alertMail, type DeliveryNote, type Envelope, headerSafe, testMail } from "./message.ts";
import { createSmtpTransport, type MailTransport } from "./mailer.ts";
import { SendQueue } from "./send_queue.ts";

export type { MailMessage, MailTransport } from "./mailer.ts";

/** The live alert settings, read on every event so a reload applies at once. */
export interface AlertSettings {
  readonly email: readonly string[];
  readonly smtp: SmtpSpec;
  readonly alerts: AlertsSpec;
}

/** Construction options of {@link Alerter}. */
export interface AlerterOptions {
  readonly spec: () => AlertSettings;
  /** Host name for subjects and bodies; defaults to `Deno.hostname()`. */
  readonly hostname?: string;
  /** Transport factory (tests inject short timeouts or fakes); defaults to nodemailer SMTP. */
  readonly transport?: (smtp: SmtpSpec) => MailTransport;
  /** Batch window, crash-loop timing and retry delays; the system clock by default. */
  readonly clock?: Clock;
}

/** Batches waiting to be sent beyond the one in flight; more are dropped and counted. */
export const QUEUE_LIMIT = 16;

/** Turns daemon events into alert mails; one per daemon. */
export class Alerter {
  #hub: EventHub;
  #spec: () => AlertSettings;
  #host: string;
  #factory: (smtp: SmtpSpec) => MailTransport;
  #transport: { key: string; transport: MailTransport } | null = null;
  #retired = new Set<Promise<void>>();
  #batcher = new AlertBatcher();
  #clock: Clock;
  #batchTimer: TimerId | null = null;
  #queue: SendQueue<AlertBatch>;
  #unsubscribe: () => void;
  #closed = false;
  /** Trouble since the last mail that went through: reported in the next mail. */
  #unreported: { failed: number; dropped: number } = { failed: 0, dropped: 0 };
  /** A full queue (or unreadable settings) was logged since the last mail that went through. */
  #outageLogged = false;
  /** The password the attempt in flight used (a reload may change the current one meanwhile). */
  #attemptPassword: string | null = null;
  #stats = { sent: 0, failed: 0, dropped: 0 };

  constructor(hub: EventHub, options: AlerterOptions) {
    this.#hub = hub;
    this.#spec = options.spec;
    this.#host = headerSafe(options.hostname ?? localHostname(), 100) || "localhost";
    this.#factory = options.transport ?? ((smtp) => createSmtpTransport(smtp));
    this.#clock = options.clock ?? systemClock;
    this.#queue = new SendQueue<AlertBatch>({
      limit: QUEUE_LIMIT,
      clock: this.#clock,
      retryDelays: () => retryDelays(this.#spec().alerts),
      send: (batch) => this.#sendBatch(batch),
      onSent: (batch, reply) => this.#onSent(batch, reply),
      onRetry: (batch, error, attempt, delayMs) => this.#onRetry(batch, error, attempt, delayMs),
      onFailed: (batch, error, attempts) => this.#onFailed(batch, error, attempts),
    });
    this.#unsubscribe = hub.subscribe((event) => this.#onEvent(event));
  }

  /** Mails sent, batches given up on after retries, batches dropped on a full queue. */
  get stats(): { sent: number; failed: number; dropped: number } {
    return { ...this.#stats };
  }

  /**
   * Sends one test mail now, bypassing batching and rate limits. Resolves with the server's reply
   * (`250 …`); rejects with a one-line reason when alerts are off or delivery fails.
   */
  async test(): Promise<string> {
    if (this.#closed) throw new Error("alerts are shut down");
    const settings = this.#spec();
    if (settings.email.length === 0) throw new Error("alerts are off: taskmaster.email is empty");
    const message = testMail(this.#envelope(settings), new Date(this.#clock.wall()));
    try {
      const reply = await this.#transportFor(settings.smtp).send(message);
      this.#stats.sent++;
      this.#hub.emit("INFO", "alert-sent", null, {
        kind: "test",
        to: message.to.join(","),
        reply: this.#redact(reply),
      });
      return this.#redact(reply);
    } catch (error) {
      const reason = this.#redact(describeError(error));
      this.#stats.failed++;
      this.#hub.emit("WARN", "alert-failed", null, { kind: "test", reason });
      throw new Error(`test mail to ${settings.smtp.host}:${settings.smtp.port} failed: ${reason}`);
    }
  }

  /**
   * Hands the open batch to the queue now and waits until every queued mail went out or was given
   * up, for at most `ms` (a critical shutdown's grace: docs/alerts.md). Never rejects.
   */
  async drain(ms: number): Promise<void> {
    if (this.#closed) return;
    if (this.#batchTimer !== null) this.#clock.clearTimer(this.#batchTimer);
    this.#flush();
    const grace = sleep(this.#clock, ms);
    await Promise.race([this.#queue.idle(), grace.done]);
    grace.cancel();
  }

  /** Stops listening, cancels the open batch and pending sends, and releases every socket. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#unsubscribe();
    if (this.#batchTimer !== null) this.#clock.clearTimer(this.#batchTimer);
    this.#batchTimer = null;
    this.#batcher.take();
    const queueDone = this.#queue.close();
    const current = this.#transport?.transport;
    this.#transport = null;
    // Closing the transport aborts the attempt in flight, which lets the queue loop finish.
    await Promise.all([current?.close(), queueDone, ...this.#retired]);
  }

  /** Hub listener: classification only, never I/O, never throws. */
  #onEvent(event: LogEvent): void {
    // Our own events are no alerts; skipping them early also rules out feedback loops.
    if (this.#closed || event.event === "alert-sent" || event.event === "alert-failed") return;
    try {
      const settings = this.#spec();
      if (settings.email.length === 0) return;
      const offered = this.#batcher.offer(event, this.#clock.now(), settings.alerts);
      if (offered === "ignored") return;
      if (this.#batcher.urgent) {
        // An urgent alert (the daemon is about to exit) closes the batch on the next tick, so
        // the network is still never touched from inside the hub listener.
        if (this.#batchTimer !== null) this.#clock.clearTimer(this.#batchTimer);
        this.#batchTimer = this.#clock.setTimer(0, () => this.#flush());
        return;
      }
      if (offered !== "opened") return;
      const windowMs = Math.max(0, settings.alerts.batchWindow * 1000);
      this.#batchTimer = this.#clock.setTimer(windowMs, () => this.#flush());
    } catch (error) {
      // A bad spec getter must not break the hub (it would unsubscribe us for good); say so later,
      // outside the emit in progress, once per outage (it would fail on every event).
      queueMicrotask(() => {
        if (this.#closed) return;
        this.#stats.failed++;
        this.#unreported.failed++;
        this.#logOutage(describeError(error));
      });
    }
  }

  /** Batch window over: hand the batch to the background queue. */
  #flush(): void {
    this.#batchTimer = null;
    const batch = this.#batcher.take();
    if (batch === null || this.#closed) return;
    // Alerts switched off by a reload while the batch was open: the batch goes nowhere.
    if (this.#spec().email.length === 0) return;
    const first = batch.items.some((item) => item.kind === "critical");
    if (this.#queue.push(batch, { first })) return;
    this.#stats.dropped++;
    this.#unreported.dropped++;
    this.#logOutage(`alert queue full (${QUEUE_LIMIT} mails waiting); alert mail dropped`);
  }

  /** One attempt at one batch, composed now so the mail reports the latest delivery trouble. */
  #sendBatch(batch: AlertBatch): Promise<string> {
    const settings = this.#spec();
    if (settings.email.length === 0) return Promise.resolve("not sent: alerts are off");
    const note: DeliveryNote = { ...this.#unreported };
    const message = alertMail(this.#envelope(settings), batch, note);
    this.#attemptPassword = settings.smtp.password;
    return this.#transportFor(settings.smtp).send(message);
  }

  #onSent(batch: AlertBatch, reply: string): void {
    if (this.#closed) return;
    const lost = this.#unreported.failed + this.#unreported.dropped;
    this.#unreported = { failed: 0, dropped: 0 };
    this.#outageLogged = false;
    this.#stats.sent++;
    this.#hub.emit("INFO", "alert-sent", null, {
      ...batchFields(batch),
      lost,
      reply: this.#redact(reply),
    });
  }

  /** One attempt at `batch` failed and another follows in `delayMs`: say so now. */
  #onRetry(batch: AlertBatch, error: unknown, attempt: number, delayMs: number): void {
    if (this.#closed) return;
    this.#hub.emit("WARN", "alert-failed", null, {
      reason: this.#redact(describeError(error)),
      attempt,
      delay: delayMs / 1000,
      ...batchFields(batch),
    });
  }

  /** Every attempt at `batch` failed: the mail is dropped (and noted in the next one). */
  #onFailed(batch: AlertBatch, error: unknown, attempts: number): void {
    if (this.#closed) return;
    this.#stats.failed++;
    this.#unreported.failed++;
    this.#hub.emit("ERROR", "alert-failed", null, {
      reason: this.#redact(describeError(error)),
      attempts,
      ...batchFields(batch),
      failed: this.#stats.failed,
      dropped: this.#stats.dropped,
    });
  }

  /** Logs the first problem of an outage not tied to one attempt; later ones are only counted. */
  #logOutage(reason: string): void {
    if (this.#outageLogged) return;
    this.#outageLogged = true;
    this.#hub.emit("ERROR", "alert-failed", null, {
      reason: this.#redact(reason),
      failed: this.#stats.failed,
      dropped: this.#stats.dropped,
    });
  }

  /** The transport for the current SMTP settings; a changed setting retires the old one. */
  #transportFor(smtp: SmtpSpec): MailTransport {
    const key = JSON.stringify(smtp);
    if (this.#transport?.key === key) return this.#transport.transport;
    const old = this.#transport?.transport;
    if (old) {
      const closing = old.close().finally(() => this.#retired.delete(closing));
      this.#retired.add(closing);
    }
    this.#transport = { key, transport: this.#factory(smtp) };
    return this.#transport.transport;
  }

  #envelope(settings: AlertSettings): Envelope {
    return { host: this.#host, from: settings.smtp.from, to: settings.email };
  }

  /**
   * One line, capped, and never the SMTP password (servers sometimes echo credentials): neither
   * the current one nor the one the last attempt used.
   */
  #redact(text: string): string {
    let current: string | null = null;
    try {
      current = this.#spec().smtp.password;
    } catch {
      // Unreadable settings are reported on their own; the attempt's password is still hidden.
    }
    let clean = text;
    for (const password of [current, this.#attemptPassword]) {
      if (password) clean = clean.split(password).join("***");
    }
    return headerSafe(clean, 500);
  }
}

/** Retry delays (ms): one and three batch windows, at least 50 ms, at most 60 s. */
function retryDelays(alerts: AlertsSpec): number[] {
  const base = Math.min(60_000, Math.max(50, alerts.batchWindow * 1000));
  return [base, Math.min(60_000, base * 3)];
}

/** What a mail reports, as event fields: how many alerts and of which kinds. */
function batchFields(batch: AlertBatch): { alerts: number; kinds: string } {
  return {
    alerts: batch.items.length + batch.omitted,
    kinds: [...new Set(batch.items.map((item) => item.kind))].join(","),
  };
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function localHostname(): string {
  try {
    return Deno.hostname();
  } catch {
    // Without --allow-sys the host name is unknown; subjects then say "localhost".
    return "localhost";
  }
}
