import assert from "node:assert/strict";
import { AlertBatcher, MAX_BATCH_ITEMS } from "../../../src/alerts/batcher.ts";
import type { AlertsSpec } from "../../../src/config/types.ts";
import { alertRules } from "../../helpers/specs.ts";
import type { EventName, LogEvent } from "../../../src/protocol/types.ts";

const RULES: AlertsSpec = alertRules();

let seq = 0;
function event(name: EventName, program = "web", fields: LogEvent["fields"] = {}): LogEvent {
  return {
    seq: ++seq,
    time: "2026-01-01T00:00:00.000Z",
    level: "ERROR",
    process: program === "-" ? "-" : `${program}:0`,
    program,
    event: name,
    fields,
  };
}
const crash = (program = "web") => event("exited", program, { code: 1, expected: false });

Deno.test("AlertBatcher.offer() opens a batch on the first alert and adds the rest", () => {
  const batcher = new AlertBatcher();
  assert.equal(batcher.offer(event("fatal"), 0, RULES), "opened");
  assert.equal(batcher.offer(event("reload-failed", "-", { reason: "bad" }), 1, RULES), "added");
  assert.equal(batcher.offer(event("running"), 2, RULES), "ignored");
  const batch = batcher.take();
  assert.deepEqual(batch?.items.map((i) => i.kind), ["fatal", "reload-failed"]);
  assert.equal(batcher.take(), null);
  assert.equal(batcher.offer(event("fatal"), 3, RULES), "opened");
});

Deno.test("AlertBatcher.offer() ignores expected exits and our own alert events", () => {
  const batcher = new AlertBatcher();
  for (let i = 0; i < 20; i++) {
    assert.equal(batcher.offer(event("exited", "web", { expected: true }), i, RULES), "ignored");
  }
  assert.equal(batcher.offer(event("alert-failed", "-"), 0, RULES), "ignored");
  assert.equal(batcher.offer(event("alert-sent", "-"), 0, RULES), "ignored");
  assert.equal(batcher.take(), null);
});

Deno.test("AlertBatcher.offer() raises crashloop on the 5th unexpected exit within 60 s", () => {
  const batcher = new AlertBatcher();
  for (let i = 0; i < 4; i++) assert.equal(batcher.offer(crash(), i * 1000, RULES), "ignored");
  assert.equal(batcher.offer(crash(), 4000, RULES), "opened");
  const batch = batcher.take();
  assert.equal(batch?.items[0]?.kind, "crashloop");
  assert.equal(batch?.items[0]?.exits, 5);
});

Deno.test("AlertBatcher.offer() forgets exits older than the crashloop window", () => {
  const batcher = new AlertBatcher();
  // 5 exits spread over 80 s: never 5 within 60 s.
  for (let i = 0; i < 5; i++) assert.equal(batcher.offer(crash(), i * 20_000, RULES), "ignored");
  assert.equal(batcher.take(), null);
});

Deno.test("AlertBatcher.offer() counts crash loops per program", () => {
  const batcher = new AlertBatcher();
  for (let i = 0; i < 4; i++) {
    batcher.offer(crash("a"), i, RULES);
    batcher.offer(crash("b"), i, RULES);
  }
  assert.equal(batcher.take(), null);
  assert.equal(batcher.offer(crash("a"), 10, RULES), "opened");
  assert.equal(batcher.offer(crash("b"), 10, RULES), "added");
  assert.deepEqual(batcher.take()?.items.map((i) => i.event.program), ["a", "b"]);
});

Deno.test("AlertBatcher.offer() sends at most one crashloop per program per cooldown", () => {
  const batcher = new AlertBatcher();
  let alerts = 0;
  // 1000 unexpected exits, one every 100 ms, over 100 s: one alert only (cooldown 600 s).
  for (let i = 0; i < 1000; i++) {
    if (batcher.offer(crash(), i * 100, RULES) !== "ignored") alerts++;
    if (i % 100 === 0) batcher.take();
  }
  assert.equal(alerts, 1);
  // After the cooldown a still-looping program alerts again.
  for (let i = 0; i < 5; i++) batcher.offer(crash(), 700_000 + i, RULES);
  assert.equal(batcher.take()?.items[0]?.kind, "crashloop");
});

Deno.test("AlertBatcher.offer() honours kinds switched off and custom thresholds", () => {
  const batcher = new AlertBatcher();
  const off: AlertsSpec = {
    ...RULES,
    fatal: false,
    reloadFailed: false,
    logLoss: false,
    httpError: false,
    crashloop: false,
  };
  for (const name of ["fatal", "reload-failed", "log-loss", "http-error"] as const) {
    assert.equal(batcher.offer(event(name), 0, off), "ignored");
  }
  for (let i = 0; i < 10; i++) assert.equal(batcher.offer(crash(), i, off), "ignored");
  const two = { ...RULES, crashloopExits: 2, crashloopWindow: 1 };
  assert.equal(batcher.offer(crash("x"), 0, two), "ignored");
  assert.equal(batcher.offer(crash("x"), 500, two), "opened");
});

Deno.test("AlertBatcher.offer() rate-limits repeated log-loss and http-error per program", () => {
  const batcher = new AlertBatcher();
  assert.equal(batcher.offer(event("log-loss", "web", { bytes: 10 }), 0, RULES), "opened");
  batcher.take();
  for (let i = 1; i < 100; i++) {
    assert.equal(
      batcher.offer(event("log-loss", "web", { bytes: 10 }), i * 1000, RULES),
      "ignored",
    );
  }
  assert.equal(batcher.offer(event("log-loss", "db", { bytes: 1 }), 0, RULES), "opened");
  assert.equal(batcher.offer(event("http-error", "-"), 0, RULES), "added");
  assert.equal(batcher.offer(event("http-error", "-"), 1, RULES), "ignored");
});

Deno.test("AlertBatcher caps the items of one batch and counts the rest", () => {
  const batcher = new AlertBatcher();
  for (let i = 0; i < MAX_BATCH_ITEMS + 30; i++) batcher.offer(event("fatal", `p${i}`), i, RULES);
  const batch = batcher.take();
  assert.equal(batch?.items.length, MAX_BATCH_ITEMS);
  assert.equal(batch?.omitted, 30);
});

Deno.test("AlertBatcher.offer() raises `unhealthy` (batched) unless switched off", () => {
  const batcher = new AlertBatcher();
  const sick = event("unhealthy", "api", { check: "http", failures: 3, last: "HTTP 503" });
  assert.equal(batcher.offer(sick, 0, RULES), "opened");
  assert.equal(batcher.urgent, false);
  assert.deepEqual(batcher.take()?.items.map((i) => i.kind), ["unhealthy"]);
  assert.equal(batcher.offer(sick, 1, alertRules({ unhealthy: false })), "ignored");
  assert.equal(batcher.offer(event("healthy", "api", { check: "http" }), 2, RULES), "ignored");
});
