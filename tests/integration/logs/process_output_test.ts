import assert from "node:assert/strict";
import { FileRegistry } from "../../../src/logs/file_registry.ts";
import { createProcessOutput } from "../../../src/logs/process_output.ts";
import type { OutputTarget } from "../../../src/config/types.ts";
import {
  assertNumbered,
  countFds,
  NUMBERED,
  readRotated,
  recordingHooks,
  spawnPiped,
  tempDir,
} from "./helpers.ts";
import { killTree } from "../../helpers/wait_for.ts";

const dec = new TextDecoder();
const MB = 1024 * 1024;

function output(
  files: FileRegistry,
  stdout: OutputTarget,
  stderr: OutputTarget,
  rotation: { logmaxbytes: number; logbackups: number } = { logmaxbytes: 0, logbackups: 0 },
) {
  const hooks = recordingHooks();
  const out = createProcessOutput({ process: "p", stdout, stderr, files, hooks, ...rotation });
  return { out, hooks };
}

/** Runs one child through `out` and waits for its exit and the end of capture. */
async function capture(
  out: ReturnType<typeof output>["out"],
  cmd: string,
  args: string[],
): Promise<void> {
  const stdout = out.stdio("stdout");
  const stderr = out.stdio("stderr");
  const child = spawnPiped(cmd, args, { stdout, stderr });
  await Promise.all([
    out.attach(
      stdout === "piped" ? child.stdout : null,
      stderr === "piped" ? child.stderr : null,
    ),
    child.status,
  ]);
}

Deno.test("20 MB of numbered lines land byte-exact in the file (no loss, dup or reorder)", async () => {
  const dir = tempDir();
  const files = new FileRegistry();
  try {
    const path = `${dir.path}/out.log`;
    const { out, hooks } = output(files, { kind: "file", path }, { kind: "memory" });
    const lines = 220_000; // 95-byte lines ≈ 20.9 MB
    await capture(out, NUMBERED, [String(lines)]);
    await out.close();
    assertNumbered(dec.decode(Deno.readFileSync(path)), ["out"], lines);
    assert.equal(out.lostBytes, 0);
    assert.deepEqual(hooks.losses, []);
    // The tail is the last 64 KiB of the same stream.
    const file = Deno.readFileSync(path);
    assert.deepEqual(out.tail("stdout"), file.subarray(file.length - 64 * 1024));
  } finally {
    await files.closeAll();
    dir.remove();
  }
});

Deno.test("stdout and stderr sharing one rotating file: every line of both, in order", async () => {
  const dir = tempDir();
  const files = new FileRegistry();
  try {
    const path = `${dir.path}/both.log`;
    const target: OutputTarget = { kind: "file", path };
    const { out } = output(files, target, target, { logmaxbytes: 2 * MB, logbackups: 20 });
    const lines = 75_000; // 128-byte lines (see numbered.sh) ×2 streams ≈ 19 MB → ~10 files
    await capture(out, NUMBERED, [String(lines), "both"]);
    await out.close();
    const sizes = [1, 2, 3].map((i) => Deno.statSync(`${path}.${i}`).size);
    for (const size of sizes) assert.ok(size <= 2 * MB && size > 2 * MB - 200, `size ${size}`);
    // Backups end on whole lines.
    assert.equal(Deno.readFileSync(`${path}.1`).at(-1), 10);
    assertNumbered(dec.decode(readRotated(path, 20)), ["out", "err"], lines, 128);
  } finally {
    await files.closeAll();
    dir.remove();
  }
});

Deno.test("a newline-less flood is captured byte-exact with bounded tail", async () => {
  const dir = tempDir();
  const files = new FileRegistry();
  try {
    const path = `${dir.path}/flood.log`;
    const { out } = output(files, { kind: "file", path }, { kind: "none" }, {
      logmaxbytes: 4 * MB,
      logbackups: 10,
    });
    const size = 20 * MB;
    await capture(out, "sh", ["-c", `head -c ${size} /dev/zero | tr '\\0' x`]);
    await out.close();
    const all = readRotated(path, 10);
    assert.equal(all.length, size);
    assert.ok(all.every((byte) => byte === 0x78), "only x bytes");
    // No newline: rotation splits hard at the size limit.
    assert.equal(Deno.statSync(`${path}.1`).size, 4 * MB);
    assert.equal(out.tail("stdout").length, 64 * 1024);
    assert.equal(out.tail("stderr").length, 0);
  } finally {
    await files.closeAll();
    dir.remove();
  }
});

Deno.test("memory kind keeps only the tail; none kind asks for null stdio", async () => {
  const files = new FileRegistry();
  const { out } = output(files, { kind: "memory" }, { kind: "none" });
  assert.equal(out.stdio("stdout"), "piped");
  assert.equal(out.stdio("stderr"), "null");
  const seen: string[] = [];
  const off = out.follow("stdout", (chunk) => seen.push(dec.decode(chunk)));
  await capture(out, "sh", ["-c", "printf 'hello\\n'; printf 'ignored' >&2"]);
  off();
  assert.equal(dec.decode(out.tail("stdout")), "hello\n");
  assert.equal(seen.join(""), "hello\n");
  assert.equal(out.tail("stderr").length, 0);
  await out.close();
  assert.deepEqual(files.paths(), []);
});

Deno.test("the tail survives restarts and keeps accumulating", async () => {
  const files = new FileRegistry();
  const { out } = output(files, { kind: "memory" }, { kind: "memory" });
  await capture(out, "sh", ["-c", "echo one; echo e1 >&2"]);
  await capture(out, "sh", ["-c", "echo two; echo e2 >&2"]);
  assert.equal(dec.decode(out.tail("stdout")), "one\ntwo\n");
  assert.equal(dec.decode(out.tail("stderr")), "e1\ne2\n");
  await out.close();
});

Deno.test("detach ends capture while a grandchild still holds the pipe", async () => {
  const files = new FileRegistry();
  const { out } = output(files, { kind: "memory" }, { kind: "memory" });
  const child = spawnPiped("sh", ["-c", "sleep 30 & echo started"]);
  const attached = out.attach(child.stdout, child.stderr);
  await child.status;
  let ended = false;
  attached.then(() => (ended = true));
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(ended, false, "capture still open: the grandchild holds the pipe");
  out.detach();
  await attached;
  assert.equal(dec.decode(out.tail("stdout")), "started\n");
  killTree(child.pid);
  await out.close();
});

Deno.test("an unopenable output file throws at creation and acquires nothing", () => {
  const dir = tempDir();
  const files = new FileRegistry();
  try {
    Deno.symlinkSync("/etc/hostname", `${dir.path}/link.log`);
    assert.throws(
      () =>
        output(files, { kind: "file", path: `${dir.path}/ok.log` }, {
          kind: "file",
          path: `${dir.path}/link.log`,
        }),
      /symbolic link/,
    );
    assert.deepEqual(files.paths(), []);
  } finally {
    dir.remove();
  }
});

Deno.test("/dev/full as log path: bytes counted as lost, one loss report, capture goes on", async () => {
  const files = new FileRegistry();
  const { out, hooks } = output(files, { kind: "file", path: "/dev/full" }, { kind: "memory" });
  await capture(out, "sh", ["-c", "for i in 1 2 3 4 5; do echo line $i; done; echo err >&2"]);
  await out.close();
  await files.closeAll();
  assert.equal(out.lostBytes, 35);
  assert.equal(hooks.losses.length, 1);
  assert.equal(hooks.losses[0]?.stream, "stdout");
  assert.match(hooks.losses[0]?.reason ?? "", /space/i);
  assert.equal(dec.decode(out.tail("stdout")).split("\n").length, 6);
  assert.equal(dec.decode(out.tail("stderr")), "err\n");
});

Deno.test("no fd leak over 200 attach cycles with `true` children", async () => {
  const dir = tempDir();
  const files = new FileRegistry();
  try {
    const { out } = output(files, { kind: "file", path: `${dir.path}/t.log` }, { kind: "memory" });
    await capture(out, "true", []); // warm up the runtime's lazily opened fds
    const before = countFds();
    for (let i = 0; i < 200; i++) await capture(out, "true", []);
    assert.equal(countFds(), before);
    await out.close();
  } finally {
    await files.closeAll();
    dir.remove();
  }
});
