import assert from "node:assert/strict";
import {
  LOG_DIR_MODE,
  LOG_FILE_MODE,
  LogOpenError,
  type OpenedLog,
  openLog,
  openLogSync,
} from "../../../src/logs/safe_open.ts";

/** Both openers, so every promise is checked for the sync and the async twin. */
const OPENERS: [string, (path: string) => Promise<OpenedLog>][] = [
  ["openLogSync", (path) => Promise.resolve().then(() => openLogSync(path))],
  ["openLog", openLog],
];

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "tm_safe_open_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function refusal(open: (path: string) => Promise<OpenedLog>, path: string) {
  try {
    const opened = await open(path);
    opened.file.close();
  } catch (error) {
    assert.ok(error instanceof LogOpenError, String(error));
    return error;
  }
  throw new Error(`${path} was opened`);
}

for (const [name, open] of OPENERS) {
  Deno.test(`${name}: creates missing folders (0750) and a new empty file (0640)`, async () => {
    await withTempDir(async (dir) => {
      const path = `${dir}/a/b/out.log`;
      const opened = await open(path);
      try {
        assert.equal(opened.size, 0);
        assert.equal(opened.regular, true);
        assert.equal(Deno.statSync(path).ino, opened.ino);
        assert.equal(Deno.statSync(path).mode! & 0o777, LOG_FILE_MODE);
        assert.equal(Deno.statSync(`${dir}/a`).mode! & 0o777, LOG_DIR_MODE);
        assert.equal(Deno.statSync(`${dir}/a/b`).mode! & 0o777, LOG_DIR_MODE);
      } finally {
        opened.file.close();
      }
    });
  });

  Deno.test(`${name}: an existing file is appended to, its size and mode kept`, async () => {
    await withTempDir(async (dir) => {
      const path = `${dir}/out.log`;
      Deno.writeTextFileSync(path, "old\n");
      Deno.chmodSync(path, 0o600);
      const opened = await open(path);
      try {
        assert.equal(opened.size, 4);
        await opened.file.write(new TextEncoder().encode("new\n"));
      } finally {
        opened.file.close();
      }
      assert.equal(Deno.readTextFileSync(path), "old\nnew\n");
      assert.equal(Deno.statSync(path).mode! & 0o777, 0o600);
    });
  });

  Deno.test(`${name}: a symlink is refused and its target left untouched`, async () => {
    await withTempDir(async (dir) => {
      Deno.writeTextFileSync(`${dir}/target`, "secret\n");
      Deno.symlinkSync(`${dir}/target`, `${dir}/out.log`);
      const error = await refusal(open, `${dir}/out.log`);
      assert.equal(
        error.message,
        `cannot open log file ${dir}/out.log: it is a symbolic link (refused)`,
      );
      assert.equal(error.path, `${dir}/out.log`);
      assert.equal(Deno.readTextFileSync(`${dir}/target`), "secret\n");
    });
  });

  Deno.test(`${name}: a dangling symlink is refused, nothing is created behind it`, async () => {
    await withTempDir(async (dir) => {
      Deno.symlinkSync(`${dir}/nowhere`, `${dir}/out.log`);
      await refusal(open, `${dir}/out.log`);
      assert.throws(() => Deno.lstatSync(`${dir}/nowhere`), Deno.errors.NotFound);
    });
  });

  Deno.test(`${name}: a directory is refused`, async () => {
    await withTempDir(async (dir) => {
      const error = await refusal(open, dir);
      assert.match(error.message, /it is a directory$/);
    });
  });

  Deno.test(`${name}: a parent that is a file gives a LogOpenError with the OS text`, async () => {
    await withTempDir(async (dir) => {
      Deno.writeTextFileSync(`${dir}/file`, "");
      const error = await refusal(open, `${dir}/file/out.log`);
      assert.match(error.message, new RegExp(`^cannot open log file ${dir}/file/out\\.log: .+`));
    });
  });

  Deno.test(`${name}: a device such as /dev/null opens but is not regular (never rotated)`, async () => {
    const opened = await open("/dev/null");
    try {
      assert.equal(opened.regular, false);
    } finally {
      opened.file.close();
    }
  });
}
