import assert from "node:assert/strict";
import { EventLogWriter, MAX_PENDING_BYTES } from "../../../src/logs/event_log.ts";
import { EventHub } from "../../../src/events.ts";
import type { FileRegistry } from "../../../src/logs/file_registry.ts";
import type { SharedLogFile, WriteOutcome } from "../../../src/logs/rotating_file.ts";

// Disk behaviour (rotation, /dev/full, unopenable paths) is covered by
// tests/integration/logs/event_log_test.ts; here files are recording stand-ins.

const decoder = new TextDecoder();
const clock = () => new Date("2024-01-01T00:00:00.000Z");

interface FakeFile extends SharedLogFile {
  readonly writes: string[];
  /** Outcomes of the next writes (default written). */
  readonly outcomes: WriteOutcome[];
  /** When set, writes wait until `release()` is called. */
  hold: boolean;
  release(): void;
}

function fakeFile(path: string): FakeFile {
  const waiting: (() => void)[] = [];
  const file: FakeFile = {
    path,
    droppedBytes: 0,
    writes: [],
    outcomes: [],
    hold: false,
    release: () => waiting.splice(0).forEach((go) => go()),
    write(chunk) {
      file.writes.push(decoder.decode(chunk));
      const outcome = file.outcomes.shift() ?? { status: "written" };
      if (!file.hold) return Promise.resolve(outcome);
      return new Promise((resolve) => waiting.push(() => resolve(outcome)));
    },
  };
  return file;
}

/** A registry of fake files by path; `refuse` makes acquire throw for a path. */
function fakeRegistry(refuse: string[] = []) {
  const files = new Map<string, FakeFile>();
  const log: string[] = [];
  const registry = {
    acquire(path: string, options: { maxBytes: number; backups: number }) {
      log.push(`acquire ${path} ${options.maxBytes} ${options.backups}`);
      if (refuse.includes(path)) throw new Error(`cannot open log file ${path}: refused`);
      let file = files.get(path);
      if (!file) files.set(path, file = fakeFile(path));
      return file;
    },
    release(file: SharedLogFile) {
      log.push(`release ${file.path}`);
    },
  } as unknown as FileRegistry;
  return { registry, files, log };
}

function writer(hub: EventHub, files: FileRegistry, path: string | null = "/l/events.log") {
  return new EventLogWriter(hub, { path, maxBytes: 100, backups: 1, stderr: false, files });
}

Deno.test("each event is one formatted line; lines queued during a write go out together", async () => {
  const hub = new EventHub(clock);
  const reg = fakeRegistry();
  const log = writer(hub, reg.registry);
  const file = reg.files.get("/l/events.log")!;
  file.hold = true;
  hub.emit("INFO", "spawned", { process: "a", program: "a" }, { pid: 1 });
  hub.emit("INFO", "running", { process: "a", program: "a" });
  hub.emit("WARN", "stopping", { process: "a", program: "a" });
  file.hold = false;
  file.release();
  await log.close();
  assert.deepEqual(file.writes, [
    "2024-01-01T00:00:00.000Z INFO a spawned pid=1\n",
    "2024-01-01T00:00:00.000Z INFO a running\n2024-01-01T00:00:00.000Z WARN a stopping\n",
  ]);
  assert.deepEqual(reg.log, ["acquire /l/events.log 100 1", "release /l/events.log"]);
});

Deno.test("setTarget: same path and sizes change nothing; a new one takes later lines", async () => {
  const hub = new EventHub(clock);
  const reg = fakeRegistry();
  const log = writer(hub, reg.registry);
  log.setTarget("/l/events.log", 100, 1);
  hub.emit("INFO", "reload", null, { n: 1 });
  log.setTarget("/l/new.log", 100, 1);
  hub.emit("INFO", "reload", null, { n: 2 });
  await log.close();
  assert.match(reg.files.get("/l/events.log")!.writes.join(""), /n=1\n$/);
  assert.match(reg.files.get("/l/new.log")!.writes.join(""), /n=2\n$/);
  assert.deepEqual(reg.log, [
    "acquire /l/events.log 100 1",
    "acquire /l/new.log 100 1",
    "release /l/events.log",
    "release /l/new.log",
  ]);
});

Deno.test("the old file is released only after the lines queued for it were written", async () => {
  const hub = new EventHub(clock);
  const reg = fakeRegistry();
  const log = writer(hub, reg.registry);
  const old = reg.files.get("/l/events.log")!;
  old.hold = true;
  hub.emit("INFO", "reload", null, { n: 1 });
  log.setTarget("/l/new.log", 100, 1);
  await Promise.resolve();
  assert.ok(!reg.log.includes("release /l/events.log"), "still writing");
  old.release();
  await log.close();
  assert.ok(reg.log.includes("release /l/events.log"));
});

Deno.test("an unopenable path is one log-loss event; its lines are counted as lost", async () => {
  const hub = new EventHub(clock);
  const reg = fakeRegistry(["/bad/events.log"]);
  const log = writer(hub, reg.registry, "/bad/events.log");
  await Promise.resolve();
  const loss = hub.recent().filter((e) => e.event === "log-loss");
  assert.equal(loss.length, 1);
  assert.equal(loss[0]!.fields.file, "/bad/events.log");
  assert.match(String(loss[0]!.fields.reason), /refused/);
  hub.emit("INFO", "spawned", null);
  assert.ok(log.lostLines >= 1);
  await log.close();
});

Deno.test("without a path nothing is written and nothing counts as lost", async () => {
  const hub = new EventHub(clock);
  const reg = fakeRegistry();
  const log = writer(hub, reg.registry, null);
  hub.emit("INFO", "spawned", null);
  await log.close();
  assert.equal(log.lostLines, 0);
  assert.deepEqual(reg.log, []);
});

Deno.test("dropped writes count their lines and are reported once per episode", async () => {
  const hub = new EventHub(clock);
  const reg = fakeRegistry();
  const log = writer(hub, reg.registry);
  const file = reg.files.get("/l/events.log")!;
  const drop: WriteOutcome = { status: "dropped", bytes: 1, reason: "disk full" };
  file.outcomes.push(drop, drop);
  const flush = async () => {
    for (let i = 0; i < 100; i++) await Promise.resolve();
  };
  hub.emit("INFO", "spawned", null);
  hub.emit("INFO", "running", null);
  await flush();
  assert.equal(log.lostLines, 2, "both lines of the dropped batch");
  await flush(); // the log-loss event's own line is the second dropped write
  const losses = () => hub.recent().filter((e) => e.event === "log-loss").length;
  assert.equal(losses(), 1, "one report for the episode");
  hub.emit("INFO", "stopped", null); // written: the episode ends
  await flush();
  file.outcomes.push(drop);
  hub.emit("INFO", "spawned", null);
  await flush();
  assert.equal(losses(), 2, "a new episode is reported again");
  await log.close();
});

Deno.test(`lines beyond ${MAX_PENDING_BYTES} waiting bytes are dropped, not queued`, async () => {
  const hub = new EventHub(clock);
  const reg = fakeRegistry();
  const log = writer(hub, reg.registry);
  const file = reg.files.get("/l/events.log")!;
  file.hold = true;
  const big = "x".repeat(1024 * 1024);
  for (let i = 0; i < 6; i++) hub.emit("INFO", "spawned", null, { big });
  assert.ok(log.lostLines >= 1, `lost ${log.lostLines}`);
  await Promise.resolve();
  const loss = hub.recent().find((e) => e.event === "log-loss");
  assert.equal(loss?.fields.reason, "event log queue full");
  file.hold = false;
  file.release();
  await log.close();
});

Deno.test("close stops listening, is idempotent, and ignores later targets", async () => {
  const hub = new EventHub(clock);
  const reg = fakeRegistry();
  const log = writer(hub, reg.registry);
  await log.close();
  await log.close();
  hub.emit("INFO", "spawned", null);
  log.setTarget("/l/other.log", 1, 1);
  assert.deepEqual(reg.files.get("/l/events.log")!.writes, []);
  assert.deepEqual(reg.log, ["acquire /l/events.log 100 1", "release /l/events.log"]);
});
