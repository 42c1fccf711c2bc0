import assert from "node:assert/strict";
import { LINE_CAP, MAX_READ, MIN_READ, pumpStream } from "../../../src/logs/stream_pump.ts";
import { ByteRing } from "../../../src/logs/ring_buffer.ts";
import type { SharedLogFile, WriteOutcome } from "../../../src/logs/rotating_file.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const WRITTEN: WriteOutcome = { status: "written" };

/** A byte stream fed by the test: a child's pipe as the pump sees it. */
function pipe() {
  let controller!: ReadableByteStreamController;
  const stream = new ReadableStream({
    type: "bytes",
    start(c: ReadableByteStreamController) {
      controller = c;
    },
  }) as ReadableStream<Uint8Array>;
  return {
    stream,
    push: (data: string | Uint8Array) =>
      controller.enqueue(typeof data === "string" ? encoder.encode(data) : data),
    // A read pending at close is answered by responding 0 to its BYOB request (the stream spec).
    end: () => {
      controller.close();
      controller.byobRequest?.respond(0);
    },
    fail: (error: Error) => controller.error(error),
  };
}

/**
 * A log file that records every write. With `hold`, each write stays in flight until
 * `release()` settles the oldest one.
 */
function recordingFile(outcome: WriteOutcome = WRITTEN, hold = false) {
  const writes: Uint8Array[] = [];
  const waiting: (() => void)[] = [];
  const file: SharedLogFile = {
    path: "/unit/test.log",
    droppedBytes: 0,
    write(chunk) {
      writes.push(chunk);
      if (!hold) return Promise.resolve(outcome);
      return new Promise((resolve) => waiting.push(() => resolve(outcome)));
    },
  };
  return {
    file,
    writes,
    text: () => writes.map((w) => decoder.decode(w)),
    /** Settles the oldest in-flight write; false when none is in flight. */
    release(): boolean {
      const next = waiting.shift();
      next?.();
      return next !== undefined;
    },
  };
}

function joined(chunks: Uint8Array[]): string {
  return chunks.map((c) => decoder.decode(c)).join("");
}

Deno.test("every byte reaches the ring and the file in order; done resolves after the last write", async () => {
  const p = pipe();
  const ring = new ByteRing();
  const f = recordingFile();
  const outcomes: WriteOutcome[] = [];
  const pump = pumpStream(p.stream, { ring, file: f.file, onOutcome: (o) => outcomes.push(o) });
  p.push("one\n");
  p.push("two\nthr");
  p.push("ee\n");
  p.end();
  await pump.done;
  assert.equal(decoder.decode(ring.snapshot()), "one\ntwo\nthree\n");
  assert.equal(joined(f.writes), "one\ntwo\nthree\n");
  assert.equal(outcomes.length, f.writes.length);
  assert.ok(outcomes.every((o) => o.status === "written"));
});

Deno.test("without sinks the stream is still read to its end", async () => {
  const p = pipe();
  const pump = pumpStream(p.stream, { ring: null, file: null, onOutcome: () => {} });
  p.push("ignored");
  p.end();
  await pump.done;
});

Deno.test(`reads start at ${MIN_READ} bytes and double while full, up to ${MAX_READ}`, async () => {
  const p = pipe();
  const ring = new ByteRing(1024 * 1024);
  const sizes: number[] = [];
  ring.subscribe((chunk) => sizes.push(chunk.length));
  const pump = pumpStream(p.stream, { ring, file: null, onOutcome: () => {} });
  p.push(new Uint8Array(300 * 1024).fill(120));
  p.end();
  await pump.done;
  assert.deepEqual(sizes.slice(0, 8), [1024, 2048, 4096, 8192, 16384, 32768, 65536, 65536]);
  assert.equal(sizes.reduce((a, b) => a + b, 0), 300 * 1024);
});

Deno.test("each read gets a fresh buffer: earlier chunks are never overwritten", async () => {
  const p = pipe();
  const f = recordingFile();
  const seen: Uint8Array[] = [];
  const ring = new ByteRing();
  ring.subscribe((chunk) => seen.push(chunk));
  const pump = pumpStream(p.stream, { ring, file: f.file, onOutcome: () => {} });
  const input = Array.from({ length: 5000 }, (_, i) => `${i}\n`).join("");
  p.push(input);
  p.end();
  await pump.done;
  assert.equal(joined(seen), input);
  assert.equal(joined(f.writes), input);
});

Deno.test("while a write is in flight, later chunks are gathered into the next write", async () => {
  const p = pipe();
  const f = recordingFile(WRITTEN, true);
  const ring = new ByteRing();
  let chunks = 0;
  let allRead!: () => void;
  const read = new Promise<void>((resolve) => (allRead = resolve));
  ring.subscribe(() => {
    if (++chunks === 3) allRead();
  });
  const pump = pumpStream(p.stream, { ring, file: f.file, onOutcome: () => {} });
  p.push("a\n");
  await new Promise<void>((resolve) => {
    const stop = ring.subscribe(() => (stop(), resolve()));
  });
  // The first chunk's write is now in flight; two more arrive meanwhile.
  p.push("b\n");
  await Promise.resolve();
  p.push("c\n");
  await read;
  p.end();
  assert.deepEqual(f.text(), ["a\n"]);
  assert.ok(f.release());
  for (let i = 0; i < 1000 && f.writes.length < 2; i++) await Promise.resolve();
  assert.ok(f.release(), "the gathered write was issued once the first one settled");
  await pump.done;
  assert.deepEqual(f.text(), ["a\n", "b\nc\n"]);
});

Deno.test("write outcomes are handed to onOutcome as the file reports them", async () => {
  const p = pipe();
  const dropped: WriteOutcome = { status: "dropped", bytes: 3, reason: "disk full" };
  const f = recordingFile(dropped);
  const outcomes: WriteOutcome[] = [];
  const pump = pumpStream(p.stream, {
    ring: null,
    file: f.file,
    onOutcome: (o) => outcomes.push(o),
  });
  p.push("abc");
  p.end();
  await pump.done;
  assert.deepEqual(outcomes, [dropped]);
});

Deno.test("line-aligned: only whole lines are written; the partial rest goes at the end", async () => {
  const p = pipe();
  const f = recordingFile();
  const pump = pumpStream(p.stream, {
    ring: null,
    file: f.file,
    lineAligned: true,
    onOutcome: () => {},
  });
  // Everything below settles in microtasks, so the partial-line timer can never fire first.
  p.push("a\nb");
  p.push("c\n");
  p.push("tail");
  p.end();
  await pump.done;
  assert.deepEqual(f.text(), ["a\n", "bc\n", "tail"]);
});

Deno.test(`line-aligned: a partial line of ${LINE_CAP} bytes is written without waiting`, async () => {
  const p = pipe();
  const f = recordingFile();
  const pump = pumpStream(p.stream, {
    ring: null,
    file: f.file,
    lineAligned: true,
    onOutcome: () => {},
  });
  p.push("x".repeat(LINE_CAP) + "y");
  p.end();
  await pump.done;
  const lengths = f.writes.map((w) => w.length);
  assert.equal(lengths.reduce((a, b) => a + b, 0), LINE_CAP + 1);
  assert.ok(lengths[0]! >= LINE_CAP, `first write ${lengths[0]} bytes`);
});

Deno.test("cancel ends the pump of a stream that never closes", async () => {
  const p = pipe();
  const ring = new ByteRing();
  const pump = pumpStream(p.stream, { ring, file: null, onOutcome: () => {} });
  p.push("before\n");
  pump.cancel();
  pump.cancel(); // idempotent
  await pump.done;
  assert.equal(decoder.decode(ring.snapshot()), "before\n");
});

Deno.test("a stream error ends the pump quietly, keeping what was already read", async () => {
  const p = pipe();
  const f = recordingFile();
  const pump = pumpStream(p.stream, { ring: null, file: f.file, onOutcome: () => {} });
  p.push("kept\n");
  await new Promise<void>((resolve) => {
    const check = () => (f.writes.length > 0 ? resolve() : queueMicrotask(check));
    check();
  });
  p.fail(new Error("pipe broke"));
  await pump.done;
  assert.equal(joined(f.writes), "kept\n");
});

Deno.test("shared file: a line whose end was read while a write is in flight is never split", async () => {
  const p = pipe();
  const rec = recordingFile(WRITTEN, true);
  const pump = pumpStream(p.stream, {
    ring: null,
    file: rec.file,
    lineAligned: true,
    onOutcome: () => {},
  });
  p.push("first\npar");
  // "first\n" is in flight (held); "par" waits for its newline.
  while (rec.writes.length < 1) await new Promise((r) => setTimeout(r, 5));
  p.push("tial\n");
  // Longer than the partial-line flush delay while the first write is still in flight.
  await new Promise((r) => setTimeout(r, 400));
  while (rec.release()) await new Promise((r) => setTimeout(r, 5));
  p.end();
  const releasing = setInterval(() => rec.release(), 5);
  await pump.done;
  clearInterval(releasing);
  assert.deepEqual(rec.text(), ["first\n", "partial\n"]);
});
