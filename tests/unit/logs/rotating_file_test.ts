import assert from "node:assert/strict";
import { RotatingFile } from "../../../src/logs/rotating_file.ts";
import { type LogHandle, type OpenedLog, openLogSync } from "../../../src/logs/safe_open.ts";

// Rotation numbering, reopening after logrotate, /dev/full and stalls are covered by
// tests/integration/logs/rotating_file_test.ts. These check the cut rules and partial failures.

const enc = new TextEncoder();
const dec = new TextDecoder();

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "tm_rotating_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function read(path: string): string | null {
  try {
    return dec.decode(Deno.readFileSync(path));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
}

/** The real file at `path`, opened as the registry would, with its handle optionally wrapped. */
function opened(path: string, wrap?: (real: LogHandle) => LogHandle, regular?: boolean): OpenedLog {
  const real = openLogSync(path);
  return { ...real, file: wrap ? wrap(real.file) : real.file, regular: regular ?? real.regular };
}

Deno.test("an empty write is written at once; concurrent writes land in issue order", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/a.log`;
    const file = new RotatingFile(path, opened(path), { maxBytes: 0, backups: 0 });
    assert.deepEqual(await file.write(new Uint8Array(0)), { status: "written" });
    const lines = Array.from({ length: 50 }, (_, i) => `line ${i}\n`);
    const outcomes = await Promise.all(lines.map((l) => file.write(enc.encode(l))));
    assert.ok(outcomes.every((o) => o.status === "written"));
    await file.close();
    assert.equal(read(path), lines.join(""));
  });
});

Deno.test("after close, writes are dropped and counted; close is idempotent", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/a.log`;
    const file = new RotatingFile(path, opened(path), { maxBytes: 0, backups: 0 });
    await file.close();
    await file.close();
    assert.deepEqual(await file.write(enc.encode("late\n")), {
      status: "dropped",
      bytes: 5,
      reason: "log file closed",
    });
    assert.equal(file.droppedBytes, 5);
    assert.equal(read(path), "");
  });
});

Deno.test("a rotation cuts after the last newline that fits", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/a.log`;
    const file = new RotatingFile(path, opened(path), { maxBytes: 10, backups: 1 });
    await file.write(enc.encode("aaaa\nbbbb\ncc\n"));
    await file.close();
    assert.equal(read(`${path}.1`), "aaaa\nbbbb\n");
    assert.equal(read(path), "cc\n");
  });
});

Deno.test("with no newline in reach, files are filled to exactly maxBytes", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/a.log`;
    const file = new RotatingFile(path, opened(path), { maxBytes: 4, backups: 2 });
    await file.write(enc.encode("abcdefghij"));
    await file.close();
    assert.deepEqual([read(`${path}.2`), read(`${path}.1`), read(path)], ["abcd", "efgh", "ij"]);
  });
});

Deno.test("a whole line that does not fit starts the next file when this one ends a line", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/a.log`;
    const file = new RotatingFile(path, opened(path), { maxBytes: 8, backups: 1 });
    await file.write(enc.encode("12345\n"));
    await file.write(enc.encode("abcdef\n"));
    await file.close();
    assert.deepEqual([read(`${path}.1`), read(path)], ["12345\n", "abcdef\n"]);
  });
});

Deno.test("a file that is not regular (a device) is never rotated", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/a.log`;
    const file = new RotatingFile(path, opened(path, undefined, false), {
      maxBytes: 4,
      backups: 1,
    });
    await file.write(enc.encode("0123456789\n"));
    await file.close();
    assert.equal(read(path), "0123456789\n");
    assert.equal(read(`${path}.1`), null);
  });
});

Deno.test("a chunk failing half-way drops only its rest; the next write leads with a marker", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/a.log`;
    let calls = 0;
    const flaky = (real: LogHandle): LogHandle => ({
      stat: () => real.stat(),
      close: () => real.close(),
      write(bytes) {
        calls++;
        if (calls === 1) return real.write(bytes.subarray(0, 3));
        if (calls === 2) return Promise.reject(new Error("EIO"));
        return real.write(bytes);
      },
    });
    const errors: string[] = [];
    const file = new RotatingFile(path, opened(path, flaky), {
      maxBytes: 0,
      backups: 0,
      onError: (_path, error) => errors.push(String(error)),
    });
    const first = await file.write(enc.encode("abcdefgh"));
    assert.deepEqual(first, { status: "dropped", bytes: 5, reason: "Error: EIO" });
    assert.equal(file.droppedBytes, 5);
    assert.deepEqual(await file.write(enc.encode("ok\n")), { status: "written" });
    await file.close();
    assert.equal(read(path), "abc\n[taskmaster: 5 bytes dropped]\nok\n");
    assert.deepEqual(errors, ["Error: EIO"]);
  });
});

Deno.test("a starved event loop is not a stalled disk: the write lands, nothing is dropped", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/starved.log`;
    const file = new RotatingFile(path, opened(path), { maxBytes: 0, backups: 0 });
    const pending = file.write(enc.encode("line\n"));
    // Block the event loop past the stall limit: the write completes meanwhile, and the stall
    // timer falls due in the same turn as its completion.
    const until = performance.now() + 1500;
    while (performance.now() < until) { /* busy */ }
    assert.deepEqual(await pending, { status: "written" });
    assert.deepEqual(await file.write(enc.encode("next\n")), { status: "written" });
    await file.close();
    assert.equal(read(path), "line\nnext\n");
    assert.equal(file.droppedBytes, 0);
  });
});
