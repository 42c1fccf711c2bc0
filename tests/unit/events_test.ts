import assert from "node:assert/strict";
import { EventHub, formatEvent, levelAtLeast, RECENT_EVENTS } from "../../src/events.ts";
import { formatEvent as protocolFormat } from "../../src/protocol/event_format.ts";
import type { LogEvent } from "../../src/protocol/types.ts";

const fixedClock = () => new Date("2024-01-02T03:04:05.678Z");
const proc = { process: "web:0", program: "web" };

Deno.test("emit builds the event: sequence from 1, clock time, '-' for daemon events", () => {
  const hub = new EventHub(fixedClock);
  const a = hub.emit("INFO", "spawned", proc, { pid: 7 });
  const b = hub.emit("WARN", "daemon-stop", null);
  assert.deepEqual(a, {
    seq: 1,
    time: "2024-01-02T03:04:05.678Z",
    level: "INFO",
    process: "web:0",
    program: "web",
    event: "spawned",
    fields: { pid: 7 },
  });
  assert.equal(b.seq, 2);
  assert.equal(b.process, "-");
  assert.equal(b.program, "-");
  assert.deepEqual(b.fields, {});
});

Deno.test("every subscriber gets every event, synchronously and in order", () => {
  const hub = new EventHub(fixedClock);
  const first: number[] = [];
  const second: number[] = [];
  hub.subscribe((e) => first.push(e.seq));
  hub.subscribe((e) => second.push(e.seq));
  hub.emit("INFO", "spawned", proc);
  assert.deepEqual(first, [1], "delivered before emit returns");
  hub.emit("INFO", "running", proc);
  assert.deepEqual(first, [1, 2]);
  assert.deepEqual(second, [1, 2]);
});

Deno.test("the function returned by subscribe stops delivery", () => {
  const hub = new EventHub(fixedClock);
  const seen: number[] = [];
  const unsubscribe = hub.subscribe((e) => seen.push(e.seq));
  hub.emit("INFO", "spawned", proc);
  unsubscribe();
  hub.emit("INFO", "running", proc);
  assert.deepEqual(seen, [1]);
});

Deno.test("a throwing subscriber is removed; the others and the caller carry on", async () => {
  const hub = new EventHub(fixedClock);
  const seen: LogEvent[] = [];
  let calls = 0;
  hub.subscribe(() => {
    calls++;
    throw new Error("stream closed");
  });
  hub.subscribe((e) => seen.push(e));
  const event = hub.emit("INFO", "spawned", proc);
  assert.equal(event.seq, 1, "emit returned normally");
  assert.deepEqual(seen.map((e) => e.seq), [1]);
  // The failure is reported as an event of its own, after the current emit finished.
  await Promise.resolve();
  const report = seen.at(-1)!;
  assert.equal(report.event, "config-error");
  assert.equal(report.level, "ERROR");
  assert.match(String(report.fields.reason), /event subscriber failed: Error: stream closed/);
  hub.emit("INFO", "running", proc);
  assert.equal(calls, 1, "the broken subscriber got nothing more");
});

Deno.test("a subscriber added or removed during delivery does not disturb the current event", () => {
  const hub = new EventHub(fixedClock);
  const late: number[] = [];
  let removeSecond = () => {};
  hub.subscribe(() => {
    removeSecond();
    hub.subscribe((e) => late.push(e.seq));
  });
  const second: number[] = [];
  removeSecond = hub.subscribe((e) => second.push(e.seq));
  hub.emit("INFO", "spawned", proc);
  assert.deepEqual(second, [1], "snapshot of subscribers taken at emit");
  assert.deepEqual(late, []);
  hub.emit("INFO", "running", proc);
  assert.deepEqual(second, [1]);
  assert.deepEqual(late, [2]);
});

Deno.test(`recent keeps the last ${RECENT_EVENTS} events, oldest first`, () => {
  const hub = new EventHub(fixedClock);
  for (let i = 0; i < RECENT_EVENTS + 5; i++) hub.emit("DEBUG", "running", proc, { i });
  const all = hub.recent();
  assert.equal(all.length, RECENT_EVENTS);
  assert.equal(all[0]!.seq, 6);
  assert.equal(all.at(-1)!.seq, RECENT_EVENTS + 5);
  assert.deepEqual(hub.recent(2).map((e) => e.seq), [RECENT_EVENTS + 4, RECENT_EVENTS + 5]);
  assert.deepEqual(hub.recent(0), []);
  assert.deepEqual(hub.recent(-3), []);
});

Deno.test("recent returns a copy: changing it does not change the history", () => {
  const hub = new EventHub(fixedClock);
  hub.emit("INFO", "spawned", proc);
  hub.recent().pop();
  assert.equal(hub.recent().length, 1);
});

Deno.test("levelAtLeast orders DEBUG < INFO < WARN < ERROR", () => {
  const levels = ["DEBUG", "INFO", "WARN", "ERROR"] as const;
  for (const [i, level] of levels.entries()) {
    for (const [j, min] of levels.entries()) {
      assert.equal(levelAtLeast(level, min), i >= j, `${level} >= ${min}`);
    }
  }
});

Deno.test("events.ts re-exports the protocol's line format", () => {
  assert.equal(formatEvent, protocolFormat);
});
