import assert from "node:assert/strict";
import { FileRegistry } from "../../../src/logs/file_registry.ts";
import { RotatingFile, type SharedLogFile } from "../../../src/logs/rotating_file.ts";
import type { LogHandle } from "../../../src/logs/safe_open.ts";
import { waitFor } from "../../helpers/wait_for.ts";
import { readRotated, tempDir } from "./helpers.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

function text(path: string): string {
  return dec.decode(Deno.readFileSync(path));
}

function exists(path: string): boolean {
  try {
    Deno.lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

async function writeAll(file: SharedLogFile, lines: string[]): Promise<void> {
  for (const line of lines) assert.equal((await file.write(enc.encode(line))).status, "written");
}

Deno.test("rotation numbers backups path.1 (newest) … path.N and keeps N", async () => {
  const dir = tempDir();
  const files = new FileRegistry();
  try {
    const path = `${dir.path}/r.log`;
    const file = files.acquire(path, { maxBytes: 100, backups: 3 });
    const lines = Array.from(
      { length: 20 },
      (_, i) => `line-${String(i).padStart(2, "0")}-${"y".repeat(23)}\n`,
    );
    await writeAll(file, lines); // 20 × 32 bytes: 3 lines per file
    await files.closeAll();
    assert.equal(exists(`${path}.4`), false);
    for (const name of [path, `${path}.1`, `${path}.2`, `${path}.3`]) {
      assert.ok(Deno.statSync(name).size <= 100, name);
    }
    assert.equal(text(`${path}.1`), lines.slice(15, 18).join(""));
    assert.equal(text(path), lines.slice(18).join(""));
    // The newest files hold an exact suffix of the stream.
    const kept = dec.decode(readRotated(path, 3));
    assert.ok(lines.join("").endsWith(kept) && kept.length === 11 * 32, `kept ${kept.length}`);
  } finally {
    dir.remove();
  }
});

Deno.test("backups 0 truncates instead of keeping a copy; maxBytes 0 never rotates", async () => {
  const dir = tempDir();
  const files = new FileRegistry();
  try {
    const a = files.acquire(`${dir.path}/a.log`, { maxBytes: 10, backups: 0 });
    const b = files.acquire(`${dir.path}/b.log`, { maxBytes: 0, backups: 5 });
    for (const file of [a, b]) await writeAll(file, ["12345678\n", "abcdefgh\n", "ABCDEFGH\n"]);
    await files.closeAll();
    assert.equal(text(`${dir.path}/a.log`), "ABCDEFGH\n");
    assert.equal(exists(`${dir.path}/a.log.1`), false);
    assert.equal(text(`${dir.path}/b.log`), "12345678\nabcdefgh\nABCDEFGH\n");
    assert.equal(exists(`${dir.path}/b.log.1`), false);
  } finally {
    dir.remove();
  }
});

Deno.test("a deleted, then a renamed log file is reopened at its path", async () => {
  const dir = tempDir();
  const files = new FileRegistry();
  try {
    const path = `${dir.path}/d.log`;
    const file = files.acquire(path, { maxBytes: 0, backups: 0 });
    await writeAll(file, ["before\n"]);
    Deno.removeSync(path);
    let n = 0;
    await waitFor(async () => {
      await file.write(enc.encode(`after-rm ${n++}\n`));
      return exists(path);
    }, { timeoutMs: 5000, intervalMs: 50, what: "reopen after rm" });
    Deno.renameSync(path, `${path}.moved`);
    await waitFor(async () => {
      await file.write(enc.encode(`after-mv ${n++}\n`));
      return exists(path);
    }, { timeoutMs: 5000, intervalMs: 50, what: "reopen after mv" });
    await files.closeAll();
    // Lines written before the check (≤ 1 s) went to the deleted inode, then to the moved
    // file; from the first reopen on, the two files hold every line once, in order.
    const moved = text(`${path}.moved`);
    const current = text(path);
    assert.match(moved, /^after-rm \d+\n/);
    assert.match(current, /^(after-mv \d+\n)+$/);
    const numbers = (moved + current).trim().split("\n").map((line) => Number(line.split(" ")[1]));
    const first = numbers[0] ?? -1;
    assert.deepEqual(numbers, Array.from({ length: n - first }, (_, i) => first + i));
  } finally {
    dir.remove();
  }
});

Deno.test("reopenAll (SIGUSR2) moves writing to a fresh file after logrotate's rename", async () => {
  const dir = tempDir();
  const files = new FileRegistry();
  try {
    const path = `${dir.path}/u.log`;
    const file = files.acquire(path, { maxBytes: 0, backups: 0 });
    await writeAll(file, ["old\n"]);
    Deno.renameSync(path, `${path}.0`);
    await files.reopenAll();
    await writeAll(file, ["new\n"]);
    await files.closeAll();
    assert.equal(text(`${path}.0`), "old\n");
    assert.equal(text(path), "new\n");
  } finally {
    dir.remove();
  }
});

Deno.test("a symlink log path is refused and its target left untouched (S11)", () => {
  const dir = tempDir();
  const errors: string[] = [];
  const files = new FileRegistry({ onError: (path) => errors.push(path) });
  try {
    const canary = `${dir.path}/canary`;
    Deno.writeTextFileSync(canary, "secret");
    Deno.symlinkSync(canary, `${dir.path}/evil.log`);
    assert.throws(
      () => files.acquire(`${dir.path}/evil.log`, { maxBytes: 0, backups: 0 }),
      /symbolic link/,
    );
    assert.deepEqual(errors, [`${dir.path}/evil.log`]);
    assert.equal(Deno.readTextFileSync(canary), "secret");
    assert.throws(() => files.acquire(dir.path, { maxBytes: 0, backups: 0 }), /directory/);
  } finally {
    dir.remove();
  }
});

Deno.test("new files are 0640 whatever the umask; missing parents are created 0750", async () => {
  const dir = tempDir();
  const files = new FileRegistry();
  const saved = Deno.umask(0);
  try {
    files.acquire(`${dir.path}/open.log`, { maxBytes: 0, backups: 0 });
    Deno.umask(0o077);
    files.acquire(`${dir.path}/a/b/strict.log`, { maxBytes: 0, backups: 0 });
    await files.closeAll();
    assert.equal(Deno.statSync(`${dir.path}/open.log`).mode! & 0o777, 0o640);
    assert.equal(Deno.statSync(`${dir.path}/a/b/strict.log`).mode! & 0o777, 0o640);
    assert.equal(Deno.statSync(`${dir.path}/a`).mode! & 0o777, 0o750);
    assert.equal(Deno.statSync(`${dir.path}/a/b`).mode! & 0o777, 0o750);
  } finally {
    Deno.umask(saved);
    dir.remove();
  }
});

Deno.test("one path acquired twice is one shared file, closed with its last release", async () => {
  const dir = tempDir();
  const files = new FileRegistry();
  try {
    const a = files.acquire(`${dir.path}/s.log`, { maxBytes: 0, backups: 0 });
    const b = files.acquire(`${dir.path}/./s.log`, { maxBytes: 0, backups: 0 });
    assert.equal(a, b);
    assert.equal(files.isShared(a), true);
    files.release(a);
    assert.deepEqual(files.paths(), [`${dir.path}/s.log`]);
    await writeAll(b, ["x\n"]);
    files.release(b);
    assert.deepEqual(files.paths(), []);
    await files.closeAll();
    assert.equal((await b.write(enc.encode("late\n"))).status, "dropped");
    assert.equal(text(`${dir.path}/s.log`), "x\n");
  } finally {
    dir.remove();
  }
});

Deno.test("/dev/full: writes are dropped and counted, never thrown, reported once", async () => {
  const errors: unknown[] = [];
  const files = new FileRegistry({ onError: (_path, error) => errors.push(error) });
  const file = files.acquire("/dev/full", { maxBytes: 10, backups: 2 });
  for (let i = 0; i < 5; i++) {
    const outcome = await file.write(enc.encode("0123456789\n"));
    assert.equal(outcome.status, "dropped");
  }
  assert.equal(file.droppedBytes, 55);
  assert.equal(errors.length, 1);
  await files.closeAll();
  assert.equal(exists("/dev/full"), true, "a device is never rotated away");
});

/** A sink over a real file whose writes can be made to fail or to hang. */
function controllableFile(path: string) {
  const real = Deno.openSync(path, { write: true, append: true, create: true, mode: 0o640 });
  const stat = real.statSync();
  const control = { mode: "ok" as "ok" | "fail" | "hang", release: () => {} };
  const handle: LogHandle = {
    write(bytes) {
      if (control.mode === "fail") {
        return Promise.reject(new Error("No space left on device (os error 28)"));
      }
      if (control.mode === "hang") {
        return new Promise((resolve) => {
          control.release = () => resolve(real.writeSync(bytes));
        });
      }
      return real.write(bytes);
    },
    stat: () => real.stat(),
    close: () => real.close(),
  };
  const errors: unknown[] = [];
  const file = new RotatingFile(path, {
    file: handle,
    size: 0,
    regular: true,
    ino: stat.ino,
    dev: stat.dev,
  }, { maxBytes: 0, backups: 0, onError: (_p, error) => errors.push(error) });
  return { file, control, errors };
}

Deno.test("after failed writes, the next working write is preceded by the drop marker", async () => {
  const dir = tempDir();
  try {
    const path = `${dir.path}/m.log`;
    const { file, control, errors } = controllableFile(path);
    await writeAll(file, ["ok 1\n", "partial"]);
    control.mode = "fail";
    const lost = await file.write(enc.encode(" rest of line\nlost 2\n"));
    assert.deepEqual(lost, {
      status: "dropped",
      bytes: 21,
      reason: "Error: No space left on device (os error 28)",
    });
    assert.equal((await file.write(enc.encode("lost 3\n"))).status, "dropped");
    control.mode = "ok";
    await writeAll(file, ["ok 4\n", "ok 5\n"]);
    await file.close();
    assert.equal(text(path), "ok 1\npartial\n[taskmaster: 28 bytes dropped]\nok 4\nok 5\n");
    assert.equal(file.droppedBytes, 28);
    assert.equal(errors.length, 1);
  } finally {
    dir.remove();
  }
});

Deno.test("a write stalled > 1 s drops later writes at once, then resumes with a marker", async () => {
  const dir = tempDir();
  try {
    const path = `${dir.path}/st.log`;
    const { file, control } = controllableFile(path);
    control.mode = "hang";
    const started = performance.now();
    const stuck = await file.write(enc.encode("slow\n"));
    const waited = performance.now() - started;
    assert.equal(stuck.status, "stalled");
    // Never before the 1 s stall limit; the upper bound only tells "stalled" from "waited for
    // the write forever", far from normal so that a loaded machine does not fail it.
    assert.ok(waited >= 950 && waited < 10_000, `stalled after ${waited} ms`);
    assert.equal((await file.write(enc.encode("dropped\n"))).status, "dropped");
    control.mode = "ok";
    control.release();
    await waitFor(async () => (await file.write(enc.encode("back\n"))).status === "written", {
      timeoutMs: 10_000,
      what: "writes to work again",
    });
    await file.close();
    assert.match(text(path), /^slow\n\[taskmaster: \d+ bytes dropped\]\nback\n/);
  } finally {
    dir.remove();
  }
});
