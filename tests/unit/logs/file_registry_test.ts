import assert from "node:assert/strict";
import { relative } from "node:path";
import { FileRegistry } from "../../../src/logs/file_registry.ts";
import { LogOpenError } from "../../../src/logs/safe_open.ts";
import type { SharedLogFile } from "../../../src/logs/rotating_file.ts";

const OPTIONS = { maxBytes: 0, backups: 0 };

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "tm_registry_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("one path, however it is written, is one shared file", async () => {
  await withTempDir(async (dir) => {
    const registry = new FileRegistry();
    const abs = `${dir}/out.log`;
    const a = registry.acquire(abs, OPTIONS);
    const b = registry.acquire(relative(Deno.cwd(), abs), OPTIONS);
    const c = registry.acquire(`${dir}/./sub/../out.log`, OPTIONS);
    assert.equal(a, b);
    assert.equal(a, c);
    assert.equal(a.path, abs);
    assert.deepEqual(registry.paths(), [abs]);
    await registry.closeAll();
  });
});

Deno.test("a file is shared while two or more hold it; the last release closes it", async () => {
  await withTempDir(async (dir) => {
    const registry = new FileRegistry();
    const a = registry.acquire(`${dir}/out.log`, OPTIONS);
    assert.equal(registry.isShared(a), false);
    registry.acquire(`${dir}/out.log`, OPTIONS);
    assert.equal(registry.isShared(a), true);
    registry.release(a);
    assert.equal(registry.isShared(a), false);
    assert.deepEqual(registry.paths(), [`${dir}/out.log`]);
    registry.release(a);
    assert.deepEqual(registry.paths(), []);
    await registry.closeAll(); // waits for the background close
  });
});

Deno.test("different paths are different files", async () => {
  await withTempDir(async (dir) => {
    const registry = new FileRegistry();
    const a = registry.acquire(`${dir}/a.log`, OPTIONS);
    const b = registry.acquire(`${dir}/b.log`, OPTIONS);
    assert.notEqual(a, b);
    assert.deepEqual(registry.paths().sort(), [`${dir}/a.log`, `${dir}/b.log`]);
    await registry.closeAll();
    assert.deepEqual(registry.paths(), []);
  });
});

Deno.test("writes through the shared handle land in the file; closeAll flushes them", async () => {
  await withTempDir(async (dir) => {
    const registry = new FileRegistry();
    const a = registry.acquire(`${dir}/out.log`, OPTIONS);
    const b = registry.acquire(`${dir}/out.log`, OPTIONS);
    const encode = (s: string) => new TextEncoder().encode(s);
    const outcomes = await Promise.all([a.write(encode("one\n")), b.write(encode("two\n"))]);
    assert.deepEqual(outcomes, [{ status: "written" }, { status: "written" }]);
    await registry.closeAll();
    assert.equal(Deno.readTextFileSync(`${dir}/out.log`), "one\ntwo\n");
  });
});

Deno.test("an unopenable path throws LogOpenError, tells onError, and registers nothing", async () => {
  await withTempDir(async (dir) => {
    const reported: string[] = [];
    const registry = new FileRegistry({ onError: (path) => reported.push(path) });
    Deno.symlinkSync(`${dir}/target`, `${dir}/link.log`);
    assert.throws(() => registry.acquire(`${dir}/link.log`, OPTIONS), LogOpenError);
    assert.throws(() => registry.acquire(dir, OPTIONS), /it is a directory/);
    assert.deepEqual(reported, [`${dir}/link.log`, dir]);
    assert.deepEqual(registry.paths(), []);
    await registry.closeAll();
  });
});

Deno.test("releasing a file the registry does not hold does nothing", async () => {
  await withTempDir(async (dir) => {
    const registry = new FileRegistry();
    const held = registry.acquire(`${dir}/out.log`, OPTIONS);
    const stranger: SharedLogFile = {
      path: `${dir}/out.log`,
      droppedBytes: 0,
      write: () => Promise.resolve({ status: "written" }),
    };
    registry.release(stranger);
    assert.deepEqual(registry.paths(), [`${dir}/out.log`]);
    registry.release(held);
    registry.release(held); // a second release of a closed file is ignored too
    await registry.closeAll();
  });
});
