import assert from "node:assert/strict";
import { formatEvent } from "../../../src/protocol/event_format.ts";
import type { LogEvent } from "../../../src/protocol/types.ts";

const event = (fields: LogEvent["fields"], patch: Partial<LogEvent> = {}): LogEvent => ({
  seq: 1,
  time: "2024-05-06T07:08:09.010Z",
  level: "INFO",
  process: "web:0",
  program: "web",
  event: "exited",
  fields,
  ...patch,
});

Deno.test("an event is ISO time, level, process, event, then key=value in field order", () => {
  assert.equal(
    formatEvent(event({ pid: 42, code: 1, expected: false })),
    "2024-05-06T07:08:09.010Z INFO web:0 exited pid=42 code=1 expected=false",
  );
});

Deno.test("without fields the line ends after the event name; daemon events show '-'", () => {
  assert.equal(
    formatEvent(event({}, { process: "-", event: "daemon-start", level: "WARN" })),
    "2024-05-06T07:08:09.010Z WARN - daemon-start",
  );
});

Deno.test("null renders as '-'; plain words stay bare", () => {
  assert.equal(
    formatEvent(event({ signal: null, by: "user" })).split(" ").slice(4).join(" "),
    "signal=- by=user",
  );
});

Deno.test("values with spaces, quotes, backslashes or control characters are JSON-quoted", () => {
  const line = formatEvent(event({
    reason: "spawn failed: no such file",
    quote: 'say "hi"',
    back: "a\\b",
    nl: "two\nlines",
    nul: "a\u0000b",
    del: "x\u007f",
    empty: "",
  }));
  assert.equal(
    line.split(" exited ")[1],
    'reason="spawn failed: no such file" quote="say \\"hi\\"" back="a\\\\b" nl="two\\nlines" ' +
      'nul="a\\u0000b" del="x\u007f" empty=""',
  );
});

Deno.test("a hostile value can never add a second line", () => {
  const line = formatEvent(event({ reason: "x\r\n2024-01-01T00:00:00.000Z ERROR fake fatal" }));
  assert.ok(!/[\r\n]/.test(line));
});
