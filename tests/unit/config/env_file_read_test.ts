/** The env file reader on a fake file system: what is checked before anything is opened. */
import assert from "node:assert/strict";
import { type EnvFileFs, readEnvFileText } from "../../../src/config/env_file_read.ts";

type Facts = Partial<Deno.FileInfo>;

/** A fake holding one file at /srv/app/.env in folder /srv/app; counts reads. */
function fakeFs(file: Facts, folder: Facts = {}, bytes = "A=1\n") {
  const reads: string[] = [];
  const base = { isFile: false, isDirectory: false, isFifo: false, uid: 0, size: 0 };
  const fs: EnvFileFs = {
    lstat: () => ({ ...base, isFile: true, mode: 0o600, ...file }) as Deno.FileInfo,
    stat: (path) =>
      (path === "/srv/app"
        ? { ...base, isDirectory: true, mode: 0o755, ...folder }
        : { ...base, isFile: true, mode: 0o600, size: bytes.length, ...file }) as Deno.FileInfo,
    realPath: (path) => path,
    readFile: (path) => {
      reads.push(path);
      return new TextEncoder().encode(bytes);
    },
  };
  return { fs, reads };
}

Deno.test("reader: a good file is read once", () => {
  const { fs, reads } = fakeFs({});
  assert.deepEqual(readEnvFileText(fs, "/srv/app/.env", 0), { kind: "text", text: "A=1\n" });
  assert.deepEqual(reads, ["/srv/app/.env"]);
});

const REFUSED: readonly [string, Facts, Facts, RegExp][] = [
  ["a FIFO", { isFile: false, isFifo: true }, {}, /is a FIFO/],
  ["a directory", { isFile: false, isDirectory: true }, {}, /is a directory/],
  ["a device", { isFile: false, isCharDevice: true }, {}, /is a device/],
  ["a socket", { isFile: false, isSocket: true }, {}, /is a socket/],
  ["over 1 MiB by its size", { size: 1024 * 1024 + 1 }, {}, /larger than 1 MiB \(1048577 bytes\)/],
  ["group-writable", { mode: 0o100620 }, {}, /^is writable by group or others \(mode 0620\)/],
  ["owned by another user", { uid: 1000 }, {}, /owned by uid 1000/],
  ["in a world-writable folder", {}, { mode: 0o777 }, /its folder \/srv\/app is writable/],
  ["in a folder owned by another user", {}, { uid: 1000 }, /its folder \/srv\/app is owned/],
];

for (const [name, file, folder, message] of REFUSED) {
  Deno.test(`reader: refuses ${name} without reading it`, () => {
    const { fs, reads } = fakeFs(file, folder);
    const result = readEnvFileText(fs, "/srv/app/.env", 0);
    assert.equal(result.kind, "refused");
    assert.match((result as { message: string }).message, message);
    assert.deepEqual(reads, [], "never opened");
  });
}

Deno.test("reader: the daemon's own uid may own the file; a sticky folder is fine", () => {
  const { fs } = fakeFs({ uid: 1000 }, { mode: 0o41777, uid: 1000 });
  assert.equal(readEnvFileText(fs, "/srv/app/.env", 1000).kind, "text");
});

Deno.test("reader: missing, a loop and a file grown past 1 MiB while read", () => {
  const missing: EnvFileFs = {
    ...fakeFs({}).fs,
    lstat: () => {
      throw new Deno.errors.NotFound("gone");
    },
  };
  assert.deepEqual(readEnvFileText(missing, "/srv/app/.env", 0), { kind: "missing" });
  const loop: EnvFileFs = {
    ...fakeFs({}).fs,
    stat: () => {
      throw new Error("Too many levels of symbolic links (os error 40)");
    },
  };
  const looped = readEnvFileText(loop, "/srv/app/.env", 0);
  assert.deepEqual(looped, {
    kind: "refused",
    message: "symlink loop (too many levels of symbolic links)",
  });
  const grown = fakeFs({ size: 10 }, {}, "x".repeat(1024 * 1024 + 1)).fs;
  assert.match(
    (readEnvFileText(grown, "/srv/app/.env", 0) as { message: string }).message,
    /larger than 1 MiB/,
  );
});
