import assert from "node:assert/strict";
import { EventHub } from "../../../src/events.ts";
import { StateStore, tempPath } from "../../../src/state/store.ts";
import { FakeClock } from "../../helpers/fake_clock.ts";
import { FakeStateFs } from "../../helpers/fake_state_fs.ts";

const FILE = "/srv/app/taskmasterd.state.json";
const TEMP = tempPath(FILE);

function rig(path: string | null = FILE) {
  const clock = new FakeClock();
  const hub = new EventHub(() => new Date(clock.wall()));
  const fs = new FakeStateFs();
  const store = new StateStore({ path, hub, clock, fs });
  const events = (name: string) => hub.recent().filter((e) => e.event === name);
  return { clock, hub, fs, store, events };
}

function fileJson(fs: FakeStateFs, path = FILE) {
  return JSON.parse(fs.text(path)!);
}

Deno.test("record writes the exact file format, mode 0600, with since and by", () => {
  const r = rig();
  const at = new Date(r.clock.wall()).toISOString();
  assert.equal(r.store.record(["web:1"], "stopped", "ctl"), null);
  assert.deepEqual(fileJson(r.fs), {
    version: 1,
    savedAt: at,
    processes: { "web:1": { desired: "stopped", since: at, by: "ctl" } },
  });
  assert.equal(r.fs.modes.get(FILE), 0o600);
  assert.equal(r.store.desired("web:1", true), "stopped");
  assert.equal(r.store.held("web:1"), true);
  assert.equal(r.store.desired("other", true), "started", "no override: autostart decides");
  assert.equal(r.store.desired("other", false), "stopped");
  assert.equal(r.store.held("other"), false);
});

Deno.test("the write is atomic: temp file, write, fsync, close, rename, fsync of the folder", () => {
  const r = rig();
  r.store.record(["web"], "started", "web");
  assert.deepEqual(r.fs.ops, [
    `remove:${TEMP}`,
    `create:${TEMP}`,
    `write:${TEMP}`,
    `sync:${TEMP}`,
    `close:${TEMP}`,
    `rename:${TEMP}>${FILE}`,
    "syncdir:/srv/app",
  ]);
  assert.equal(r.fs.files.has(TEMP), false);
});

Deno.test("an action equal to the default is recorded; a repeat of the same intent writes nothing", async () => {
  const r = rig();
  r.store.record(["web"], "started", "ctl");
  const writes = () => r.fs.ops.filter((o) => o.startsWith("rename:")).length;
  assert.equal(writes(), 1);
  const since = r.store.override("web")!.since;
  await r.clock.tick(5000);
  r.store.record(["web"], "started", "ctl");
  assert.equal(writes(), 1, "unchanged overrides are not written");
  assert.equal(r.store.override("web")!.since, since, "since keeps the first time");
  r.store.record(["web"], "started", "web");
  assert.equal(writes(), 2, "another actor is a change");
  r.store.record(["web"], "stopped", "web");
  assert.equal(writes(), 3);
});

Deno.test("a failed write keeps the old file, logs state-error, and the next change retries", () => {
  const r = rig();
  r.store.record(["a"], "stopped", "ctl");
  const old = r.fs.text(FILE);
  for (const step of ["create", "write", "sync", "rename"] as const) {
    r.fs.failing.set(step, new Error(`No space left on device (os error 28) at ${step}`));
    const reason = r.store.record([`b-${step}`], "stopped", "ctl");
    assert.match(reason ?? "", /No space left/, step);
    assert.equal(r.fs.text(FILE), old, `old file untouched when ${step} fails`);
    assert.equal(r.fs.files.has(TEMP), false, `temp removed when ${step} fails`);
    r.fs.failing.delete(step);
  }
  const errors = r.events("state-error");
  assert.equal(errors.length, 4);
  assert.equal(errors[0]!.level, "ERROR");
  assert.equal(errors[0]!.fields.file, FILE);
  assert.match(r.store.info().stateError ?? "", /No space left/);
  // The intent is kept in memory and saved by the next write.
  assert.equal(r.store.desired("b-create", true), "stopped");
  assert.equal(r.store.record(["a"], "stopped", "ctl"), null, "unchanged, but unsaved: retried");
  assert.deepEqual(Object.keys(fileJson(r.fs).processes), [
    "a",
    "b-create",
    "b-rename",
    "b-sync",
    "b-write",
  ]);
  assert.equal(r.store.info().stateError, null, "a good write clears the error");
});

Deno.test("a failed folder fsync after the rename is reported too", () => {
  const r = rig();
  r.fs.failing.set("syncdir", new Error("EIO"));
  assert.equal(r.store.record(["a"], "stopped", "ctl"), "EIO");
  assert.equal(r.events("state-error").length, 1);
});

Deno.test("restore applies known names, drops unknown ones, rewrites, and logs state-restored", () => {
  const r = rig();
  r.fs.put(
    FILE,
    JSON.stringify({
      version: 1,
      savedAt: "2024-01-01T00:00:00.000Z",
      processes: {
        "web:1": { desired: "stopped", since: "2024-01-01T00:00:00.000Z", by: "ctl" },
        "worker": { desired: "started", since: "2024-01-01T00:00:00.000Z", by: "web" },
        "gone": { desired: "started", since: "2024-01-01T00:00:00.000Z", by: "dependency" },
      },
    }),
  );
  r.fs.put(TEMP, "half a write");
  const report = r.store.restore((name) => name !== "gone");
  assert.deepEqual(report, { applied: 2, dropped: 1 });
  assert.equal(r.fs.files.has(TEMP), false, "a crashed write's temp file is removed");
  assert.equal(r.store.desired("web:1", true), "stopped");
  assert.equal(r.store.desired("worker", false), "started");
  assert.equal(r.store.held("gone"), false);
  assert.deepEqual(Object.keys(fileJson(r.fs).processes), ["web:1", "worker"]);
  const [event] = r.events("state-restored");
  assert.deepEqual(event!.fields, { applied: 2, dropped: 1, file: FILE });
  assert.deepEqual(r.store.info(), { stateFile: FILE, stateError: null, overrides: 2 });
});

Deno.test("restore without a file: nothing applied, nothing written", () => {
  const r = rig();
  assert.deepEqual(r.store.restore(() => true), { applied: 0, dropped: 0 });
  assert.equal(r.fs.files.size, 0);
  assert.equal(r.events("state-restored").length, 1);
  assert.equal(r.events("state-error").length, 0);
});

for (
  const [label, text, why] of [
    ["garbage", "{not json", /not valid JSON/],
    ["an empty file", "", /not valid JSON/],
    ["an unknown version", '{"version": 2, "savedAt": "x", "processes": {}}', /unknown version 2/],
    ["no version", '{"processes": {}}', /unknown version \(none\)/],
    ["an array", "[]", /not a JSON object/],
    ["a bad entry", '{"version": 1, "processes": {"a": {"desired": "maybe"}}}', /processes\.a/],
    [
      "a bad by",
      '{"version":1,"processes":{"a":{"desired":"stopped","since":"2024-01-01T00:00:00Z","by":"cron"}}}',
      /by must be/,
    ],
  ] as const
) {
  Deno.test(`restore sets aside a file with ${label}: FILE.corrupt-UNIXTIME, defaults`, () => {
    const r = rig();
    r.fs.put(FILE, text);
    assert.deepEqual(r.store.restore(() => true), { applied: 0, dropped: 0 });
    const aside = `${FILE}.corrupt-${Math.floor(r.clock.wall() / 1000)}`;
    assert.equal(r.fs.text(aside), text);
    assert.equal(r.fs.files.has(FILE), false);
    const [error] = r.events("state-error");
    assert.match(String(error!.fields.reason), why);
    assert.equal(error!.fields.moved, aside);
    assert.equal(r.events("state-restored").length, 1, "the daemon still starts");
    assert.match(r.store.info().stateError ?? "", why);
  });
}

Deno.test("restore sets aside a file that is not UTF-8", () => {
  const r = rig();
  r.fs.files.set(FILE, new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]));
  r.store.restore(() => true);
  assert.match(String(r.events("state-error")[0]!.fields.reason), /not valid UTF-8/);
});

Deno.test("an unreadable file is an error with defaults, not set aside", () => {
  const r = rig();
  r.fs.put(FILE, "{}");
  r.fs.failing.set("read", new Deno.errors.PermissionDenied("permission denied"));
  r.store.restore(() => true);
  assert.equal(r.fs.text(FILE), "{}");
  assert.match(String(r.events("state-error")[0]!.fields.reason), /cannot read .*permission/);
});

Deno.test("reset removes overrides (only those that exist) and writes once", () => {
  const r = rig();
  r.store.record(["a", "b"], "stopped", "ctl");
  const { removed, error } = r.store.reset(["a", "c"]);
  assert.deepEqual(removed, ["a"]);
  assert.equal(error, null);
  assert.deepEqual(Object.keys(fileJson(r.fs).processes), ["b"]);
  const renames = r.fs.ops.filter((o) => o.startsWith("rename:")).length;
  r.store.reset(["c"]);
  assert.equal(r.fs.ops.filter((o) => o.startsWith("rename:")).length, renames, "no change");
});

Deno.test("retain drops overrides of removed processes and writes only when one was dropped", () => {
  const r = rig();
  r.store.record(["a", "b"], "stopped", "ctl");
  const renames = () => r.fs.ops.filter((o) => o.startsWith("rename:")).length;
  r.store.retain(() => true);
  assert.equal(renames(), 1);
  r.store.retain((name) => name === "a");
  assert.equal(renames(), 2);
  assert.deepEqual(Object.keys(fileJson(r.fs).processes), ["a"]);
});

Deno.test("statefile false: intent in memory only, no file touched, no event", () => {
  const r = rig(null);
  assert.deepEqual(r.store.restore(() => true), { applied: 0, dropped: 0 });
  assert.equal(r.store.record(["a"], "stopped", "web"), null);
  assert.equal(r.store.desired("a", true), "stopped");
  assert.equal(r.fs.ops.length, 0);
  assert.equal(r.hub.recent().length, 0);
  assert.deepEqual(r.store.info(), { stateFile: null, stateError: null, overrides: 1 });
});
