import assert from "node:assert/strict";
import { createProcessOutput } from "../../../src/logs/process_output.ts";
import type { FileRegistry } from "../../../src/logs/file_registry.ts";
import type { SharedLogFile, WriteOutcome } from "../../../src/logs/rotating_file.ts";
import type { OutputTarget } from "../../../src/config/types.ts";

// Real children and real files are exercised by tests/integration/logs/process_output_test.ts;
// here the streams are constructed and the file registry is a recording stand-in.

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function pipe() {
  let controller!: ReadableByteStreamController;
  let cancelled = false;
  const stream = new ReadableStream({
    type: "bytes",
    start(c: ReadableByteStreamController) {
      controller = c;
    },
    cancel() {
      cancelled = true;
    },
  }) as ReadableStream<Uint8Array>;
  return {
    stream,
    push: (text: string) => controller.enqueue(encoder.encode(text)),
    end: () => controller.close(),
    cancelled: () => cancelled,
  };
}

/** A registry handing out one recording file; `outcomes` are returned by successive writes. */
function fakeRegistry(outcomes: WriteOutcome[] = [], shared = false) {
  const writes: string[] = [];
  const acquired: { path: string; options: unknown }[] = [];
  const released: SharedLogFile[] = [];
  const file: SharedLogFile = {
    path: "/logs/out.log",
    droppedBytes: 0,
    write(chunk) {
      writes.push(decoder.decode(chunk));
      return Promise.resolve(outcomes.shift() ?? { status: "written" });
    },
  };
  const registry = {
    acquire(path: string, options: unknown) {
      acquired.push({ path, options });
      return file;
    },
    release: (f: SharedLogFile) => void released.push(f),
    isShared: () => shared,
  } as unknown as FileRegistry;
  return { registry, file, writes, acquired, released };
}

function output(
  stdout: OutputTarget,
  stderr: OutputTarget,
  files = fakeRegistry().registry,
  onLoss: (info: { stream: string; bytes: number; reason: string }) => void = () => {},
) {
  return createProcessOutput({
    process: "web:0",
    stdout,
    stderr,
    logmaxbytes: 1000,
    logbackups: 2,
    files,
    hooks: { onLoss },
  });
}

const MEMORY: OutputTarget = { kind: "memory" };
const NONE: OutputTarget = { kind: "none" };
const FILE: OutputTarget = { kind: "file", path: "/logs/out.log" };

Deno.test("memory: stdio is piped, the tail keeps the bytes, followers get them live", async () => {
  const out = output(MEMORY, MEMORY);
  assert.equal(out.stdio("stdout"), "piped");
  const live: string[] = [];
  const stop = out.follow("stderr", (chunk) => live.push(decoder.decode(chunk)));
  const o = pipe();
  const e = pipe();
  const attached = out.attach(o.stream, e.stream);
  o.push("out 1\n");
  e.push("err 1\n");
  o.end();
  e.end();
  await attached;
  stop();
  assert.equal(decoder.decode(out.tail("stdout")), "out 1\n");
  assert.equal(decoder.decode(out.tail("stderr")), "err 1\n");
  assert.deepEqual(live, ["err 1\n"]);
  await out.close();
});

Deno.test("none: stdio is null, the tail stays empty, a stream given anyway is released", async () => {
  const out = output(NONE, MEMORY);
  assert.equal(out.stdio("stdout"), "null");
  const o = pipe();
  await out.attach(o.stream, null);
  assert.equal(o.cancelled(), true);
  assert.equal(out.tail("stdout").length, 0);
  out.follow("stdout", () => assert.fail("no output for none"))();
  await out.close();
});

Deno.test("file: acquired with the rotation settings, written, released once on close", async () => {
  const reg = fakeRegistry();
  const out = output(FILE, MEMORY, reg.registry);
  assert.deepEqual(reg.acquired, [{
    path: "/logs/out.log",
    options: { maxBytes: 1000, backups: 2 },
  }]);
  const o = pipe();
  const attached = out.attach(o.stream, null);
  o.push("line\n");
  o.end();
  await attached;
  assert.deepEqual(reg.writes, ["line\n"]);
  assert.equal(decoder.decode(out.tail("stdout")), "line\n", "file kind keeps a tail too");
  const closing = out.close();
  assert.equal(out.close(), closing, "close is idempotent");
  await closing;
  assert.deepEqual(reg.released, [reg.file]);
});

Deno.test("losses are counted in bytes and reported once per episode", async () => {
  const drop = (bytes: number): WriteOutcome => ({ status: "dropped", bytes, reason: "disk full" });
  const reg = fakeRegistry([drop(2), drop(3), { status: "written" }, drop(4)]);
  const reports: { stream: string; bytes: number; reason: string }[] = [];
  const out = output(FILE, MEMORY, reg.registry, (info) => reports.push(info));
  const o = pipe();
  const attached = out.attach(o.stream, null);
  // One chunk per write: each is pushed only after the previous one reached the file.
  for (const [i, text] of ["ab", "cde", "fg", "hijk"].entries()) {
    o.push(text);
    for (let spin = 0; spin < 1000 && reg.writes.length <= i; spin++) await Promise.resolve();
  }
  o.end();
  await attached;
  assert.equal(out.lostBytes, 9);
  assert.deepEqual(reports.map((r) => r.bytes), [2, 4], "a new episode after a good write");
  assert.deepEqual(reports[0], {
    process: "web:0",
    stream: "stdout",
    bytes: 2,
    reason: "disk full",
  });
  await out.close();
});

Deno.test("a throwing loss reporter does not stop capture", async () => {
  const reg = fakeRegistry([{ status: "dropped", bytes: 1, reason: "x" }]);
  const out = output(FILE, MEMORY, reg.registry, () => {
    throw new Error("reporter broke");
  });
  const o = pipe();
  const attached = out.attach(o.stream, null);
  o.push("a");
  o.push("b\n");
  o.end();
  await attached;
  assert.equal(out.lostBytes, 1);
  assert.equal(decoder.decode(out.tail("stdout")), "ab\n");
  await out.close();
});

Deno.test("detach cuts a stream that never ends (a grandchild holding the pipe)", async () => {
  const out = output(MEMORY, MEMORY);
  const o = pipe();
  const attached = out.attach(o.stream, null);
  o.push("partial");
  out.detach();
  await attached;
  assert.equal(decoder.decode(out.tail("stdout")), "partial");
  await out.close();
});

Deno.test("after close, attached streams are released instead of read", async () => {
  const out = output(MEMORY, MEMORY);
  await out.close();
  const o = pipe();
  await out.attach(o.stream, null);
  assert.equal(o.cancelled(), true);
});
