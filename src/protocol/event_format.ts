/**
 * Event-log line rendering (docs/events.md "Line format"): `ISO LEVEL PROCESS EVENT key=value…`.
 * Shared by the daemon's log writer, alert mails and the controller's `log` command.
 */
import type { LogEvent } from "./types.ts";

/** One event as one line (no newline). */
export function formatEvent(event: LogEvent): string {
  const parts = [event.time, event.level, event.process, event.event];
  for (const [key, value] of Object.entries(event.fields)) {
    parts.push(`${key}=${quoteValue(value)}`);
  }
  return parts.join(" ");
}

function quoteValue(value: string | number | boolean | null): string {
  const text = value === null ? "-" : String(value);
  // Quote anything with spaces, quotes or control characters so one event stays one line.
  // deno-lint-ignore no-control-regex
  if (text === "" || /[\s"\\\x00-\x1f\x7f]/.test(text)) return JSON.stringify(text);
  return text;
}
