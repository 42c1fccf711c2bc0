import assert from "node:assert/strict";
import {
  COMMAND_NAMES,
  type CommandName,
  type CommandTable,
  isCommandName,
  MAX_REQUEST_BYTES,
  STREAM_ROUTES,
} from "../../../src/protocol/commands.ts";

// Compile-time: COMMAND_NAMES lists exactly the keys of CommandTable (no more, no fewer).
type Listed = typeof COMMAND_NAMES[number];
const everyKeyListed: Record<keyof CommandTable, Listed> = {
  version: "version",
  status: "status",
  start: "start",
  stop: "stop",
  restart: "restart",
  signal: "signal",
  reload: "reload",
  shutdown: "shutdown",
  info: "info",
  pid: "pid",
  tail: "tail",
  log: "log",
  stdin: "stdin",
  alertTest: "alertTest",
  reset: "reset",
  export: "export",
  deps: "deps",
};

Deno.test("COMMAND_NAMES lists every command of the table once", () => {
  assert.equal(new Set(COMMAND_NAMES).size, COMMAND_NAMES.length);
  assert.deepEqual([...COMMAND_NAMES].sort(), Object.keys(everyKeyListed).sort());
});

Deno.test("isCommandName accepts every listed command and nothing else", () => {
  for (const name of COMMAND_NAMES) assert.ok(isCommandName(name), name);
  for (
    const name of ["", "__proto__", "constructor", "toString", "hasOwnProperty", "STATUS", "v1"]
  ) {
    assert.equal(isCommandName(name), false, name);
  }
});

Deno.test("command names are URL-safe path segments, distinct from the stream routes", () => {
  const streamSegments = Object.values(STREAM_ROUTES).map((r) => r.slice("/v1/".length));
  for (const name of COMMAND_NAMES) {
    assert.match(name, /^[A-Za-z]+$/);
    assert.ok(!streamSegments.includes(name), name);
  }
});

Deno.test("stream routes live under /v1/ like the commands", () => {
  assert.deepEqual(STREAM_ROUTES, { events: "/v1/events", output: "/v1/output" });
});

Deno.test("the request body limit is 64 KiB", () => {
  assert.equal(MAX_REQUEST_BYTES, 64 * 1024);
});

// A narrowing check the compiler keeps honest: a CommandName is a table key.
const _typed: CommandName[] = [...COMMAND_NAMES];
