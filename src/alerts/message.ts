/**
 * Pure composition of alert mails. Anything that ends up in a header (host name, program names,
 * kinds, addresses) goes through {@link headerSafe}, so a program name or a child's output can
 * never add or break a header; the body is plain text built from one-line event renderings.
 */
import { formatEvent } from "../events.ts";
import type { AlertBatch, AlertItem, AlertKind } from "./batcher.ts";
import type { MailMessage } from "./mailer.ts";

/** Longest subject, in characters (docs/alerts.md "The mail"). */
export const MAX_SUBJECT = 200;

/** Longest single body line; longer event renderings are cut (SMTP lines stop at 998 bytes). */
const MAX_BODY_LINE = 900;

/** What the mail says about earlier trouble delivering alerts. */
export interface DeliveryNote {
  /** Alert mails given up on after retries since the last mail that went through. */
  readonly failed: number;
  /** Alert mails dropped because the send queue was full, since the last mail that went through. */
  readonly dropped: number;
}

/** Addressing shared by every mail of one alerter. */
export interface Envelope {
  readonly host: string;
  readonly from: string;
  readonly to: readonly string[];
}

/**
 * Makes `text` safe for one header line: every control character (CR, LF, TAB, NUL, DEL, C1,
 * Unicode line/paragraph separators) becomes a space, runs of spaces collapse, and the result is
 * cut to `max` characters with a trailing "...".
 */
export function headerSafe(text: string, max: number = MAX_SUBJECT): string {
  // deno-lint-ignore no-control-regex
  const flat = text.replace(/[\x00-\x1f\x7f-\x9f\u2028\u2029]/g, " ").replace(/ {2,}/g, " ")
    .trim();
  return flat.length <= max ? flat : `${flat.slice(0, Math.max(0, max - 3))}...`;
}

/** Subject `[taskmaster HOST] KIND PROGRAM[,PROGRAM…][; KIND …]`, one line, ≤ 200 characters. */
export function alertSubject(host: string, batch: AlertBatch): string {
  const groups = new Map<AlertKind, string[]>();
  for (const item of batch.items) {
    const programs = groups.get(item.kind) ?? [];
    if (item.event.program !== "-" && !programs.includes(item.event.program)) {
      programs.push(item.event.program);
    }
    groups.set(item.kind, programs);
  }
  const parts = [...groups].map(([kind, programs]) =>
    programs.length === 0 ? kind : `${kind} ${programs.join(",")}`
  );
  const more = batch.omitted > 0 ? ` (+${batch.omitted} more)` : "";
  return headerSafe(`[taskmaster ${host}] ${parts.join("; ")}${more}`);
}

/** The complete alert mail for one batch. */
export function alertMail(envelope: Envelope, batch: AlertBatch, note: DeliveryNote): MailMessage {
  const total = batch.items.length + batch.omitted;
  const lines = [
    `taskmaster on ${envelope.host} raised ${total} alert${total === 1 ? "" : "s"}:`,
    "",
    ...batch.items.map(describe),
  ];
  if (batch.omitted > 0) lines.push(`... and ${batch.omitted} more alerts not listed.`);
  lines.push("", "Events:", ...batch.items.map((item) => bodyLine(formatEvent(item.event))));
  lines.push(...noteLines(note), "", "-- taskmaster (taskmasterctl log shows the full event log)");
  return {
    from: headerSafe(envelope.from, 320),
    to: safeRecipients(envelope.to),
    subject: alertSubject(envelope.host, batch),
    text: lines.join("\n") + "\n",
  };
}

/** The `taskmasterctl alert test` mail. */
export function testMail(envelope: Envelope, now: Date): MailMessage {
  return {
    from: headerSafe(envelope.from, 320),
    to: safeRecipients(envelope.to),
    subject: headerSafe(`[taskmaster ${envelope.host}] test`),
    text: `Test alert from taskmaster on ${envelope.host} at ${now.toISOString()}.\n` +
      "If you can read this, alert mail works.\n",
  };
}

/** Recipient addresses, one line each, empties removed. */
function safeRecipients(to: readonly string[]): string[] {
  return to.map((address) => headerSafe(address, 320)).filter((address) => address !== "");
}

function describe(item: AlertItem): string {
  const who = item.event.process !== "-" ? item.event.process : item.event.program;
  const reason = item.event.fields.reason;
  switch (item.kind) {
    case "fatal":
      return bodyLine(`- FATAL: ${who} gave up${reason ? `: ${String(reason)}` : ""}`);
    case "crashloop":
      return bodyLine(
        `- CRASHLOOP: ${item.event.program} exited unexpectedly ${item.exits ?? "several"} times`,
      );
    case "reload-failed":
      return bodyLine(`- RELOAD FAILED: ${String(reason ?? "unknown reason")}`);
    case "log-loss": {
      const { bytes, stream } = item.event.fields;
      const what = bytes !== undefined
        ? `${String(bytes)} bytes of ${String(stream ?? "output")}`
        : "output";
      const where = who === "-" ? "the event log" : who;
      return bodyLine(`- LOG LOSS: ${where} lost ${what}${reason ? ` (${String(reason)})` : ""}`);
    }
    case "http-error":
      return bodyLine(`- HTTP ERROR: ${String(reason ?? "web listener failed")}`);
    case "unhealthy": {
      const { failures, last } = item.event.fields;
      return bodyLine(
        `- UNHEALTHY: ${who} failed its health check ${String(failures ?? "")} times (${
          String(last ?? "")
        })`,
      );
    }
    case "critical": {
      const code = item.event.fields.exitcode;
      return bodyLine(
        `- CRITICAL: ${who} ended the daemon (${String(reason ?? "exit")}); taskmasterd exits ${
          String(code ?? "")
        }`,
      );
    }
  }
}

function noteLines(note: DeliveryNote): string[] {
  const out: string[] = [];
  if (note.failed > 0) {
    out.push("", `Note: ${note.failed} earlier alert mail(s) could not be delivered.`);
  }
  if (note.dropped > 0) {
    out.push("", `Note: ${note.dropped} earlier alert mail(s) were dropped (send queue full).`);
  }
  return out;
}

/** One body line: control characters flattened, so each item stays exactly one line. */
function bodyLine(text: string): string {
  return headerSafe(text, MAX_BODY_LINE);
}
