import assert from "node:assert/strict";
import { EventHub, formatEvent } from "../../../src/events.ts";
import { EventLogWriter } from "../../../src/logs/event_log.ts";
import { FileRegistry } from "../../../src/logs/file_registry.ts";
import { waitFor } from "../../helpers/wait_for.ts";
import { tempDir } from "./helpers.ts";

const FIXED = () => new Date("2025-01-02T03:04:05.678Z");

Deno.test("each event becomes one formatted line, in order", async () => {
  const dir = tempDir();
  const files = new FileRegistry();
  try {
    const hub = new EventHub(FIXED);
    const path = `${dir.path}/taskmasterd.log`;
    const writer = new EventLogWriter(hub, { path, maxBytes: 0, backups: 0, stderr: false, files });
    const web = { process: "web:0", program: "web" };
    const events = [
      hub.emit("INFO", "daemon-start", null, { pid: 42 }),
      hub.emit("INFO", "spawned", web, { pid: 43 }),
      hub.emit("WARN", "exited", web, { code: 1, expected: false, reason: "two words" }),
    ];
    await writer.close();
    const expected = events.map((event) => formatEvent(event) + "\n").join("");
    assert.equal(Deno.readTextFileSync(path), expected);
    assert.equal(
      expected.split("\n")[2],
      '2025-01-02T03:04:05.678Z WARN web:0 exited code=1 expected=false reason="two words"',
    );
    assert.equal(writer.lostLines, 0);
  } finally {
    await files.closeAll();
    dir.remove();
  }
});

Deno.test("setTarget switches files live; earlier lines stay in the old file; null stops", async () => {
  const dir = tempDir();
  const files = new FileRegistry();
  try {
    const hub = new EventHub(FIXED);
    const a = `${dir.path}/a.log`;
    const b = `${dir.path}/sub/b.log`;
    const writer = new EventLogWriter(hub, {
      path: a,
      maxBytes: 0,
      backups: 0,
      stderr: false,
      files,
    });
    hub.emit("INFO", "reload", null, { n: 1 });
    writer.setTarget(b, 1000, 2);
    hub.emit("INFO", "reload", null, { n: 2 });
    writer.setTarget(b, 1000, 2); // unchanged: no-op
    hub.emit("INFO", "reload", null, { n: 3 });
    writer.setTarget(null, 0, 0);
    hub.emit("INFO", "reload", null, { n: 4 });
    await writer.close();
    hub.emit("INFO", "reload", null, { n: 5 }); // after close: ignored
    await writer.close();
    assert.match(Deno.readTextFileSync(a), /^\S+ INFO - reload n=1\n$/);
    assert.match(Deno.readTextFileSync(b), /^\S+ INFO - reload n=2\n\S+ INFO - reload n=3\n$/);
    assert.deepEqual(files.paths(), []);
  } finally {
    await files.closeAll();
    dir.remove();
  }
});

Deno.test("rotates the event log by size", async () => {
  const dir = tempDir();
  const files = new FileRegistry();
  try {
    const hub = new EventHub(FIXED);
    const path = `${dir.path}/ev.log`;
    const writer = new EventLogWriter(hub, {
      path,
      maxBytes: 200,
      backups: 2,
      stderr: false,
      files,
    });
    for (let i = 0; i < 30; i++) {
      hub.emit("INFO", "spawned", { process: "p", program: "p" }, { i });
      // Let each few lines be written before the next burst, so several files fill up.
      if (i % 5 === 4) await waitFor(() => Deno.readTextFileSync(path).includes(`i=${i}\n`));
    }
    await writer.close();
    for (const name of [path, `${path}.1`, `${path}.2`]) {
      assert.ok(Deno.statSync(name).size <= 200, name);
    }
    assert.match(Deno.readTextFileSync(path), /i=29\n$/);
  } finally {
    await files.closeAll();
    dir.remove();
  }
});

Deno.test("a failing disk is counted and reported once, without an event loop", async () => {
  const files = new FileRegistry();
  const hub = new EventHub(FIXED);
  const writer = new EventLogWriter(hub, {
    path: "/dev/full",
    maxBytes: 0,
    backups: 0,
    stderr: false,
    files,
  });
  for (let i = 0; i < 10; i++) hub.emit("INFO", "running", null, { i });
  await waitFor(() => hub.recent().some((event) => event.event === "log-loss"), {
    timeoutMs: 10_000,
    what: "log-loss event",
  });
  await writer.close();
  const losses = hub.recent().filter((event) => event.event === "log-loss");
  assert.equal(losses.length, 1);
  assert.equal(losses[0]?.fields.file, "/dev/full");
  assert.equal(hub.recent().length, 11, "no report loop");
  assert.equal(writer.lostLines, 11);
  await files.closeAll();
});

Deno.test("an unopenable event log path is reported as one log-loss event, never thrown", async () => {
  const dir = tempDir();
  const files = new FileRegistry();
  try {
    Deno.symlinkSync("/etc/hostname", `${dir.path}/ev.log`);
    const hub = new EventHub(FIXED);
    const writer = new EventLogWriter(hub, {
      path: `${dir.path}/ev.log`,
      maxBytes: 0,
      backups: 0,
      stderr: false,
      files,
    });
    hub.emit("INFO", "daemon-start", null);
    await waitFor(() => hub.recent().some((event) => event.event === "log-loss"), {
      timeoutMs: 10_000,
      what: "log-loss event",
    });
    await writer.close();
    assert.match(String(hub.recent().at(-1)?.fields.reason), /symbolic link/);
  } finally {
    await files.closeAll();
    dir.remove();
  }
});
