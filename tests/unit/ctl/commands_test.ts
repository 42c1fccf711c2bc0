import assert from "node:assert/strict";
import {
  cmdAction,
  cmdAlertTest,
  cmdInfo,
  cmdLog,
  cmdNames,
  cmdPid,
  cmdReload,
  cmdShutdown,
  cmdSignal,
  cmdStatus,
  cmdTail,
  cmdVersion,
  namesFrom,
} from "../../../ctl/commands.ts";
import { CtlError } from "../../../ctl/errors.ts";
import { VERSION } from "../../../src/protocol/version.ts";
import type { LogEvent, ProcessStatus } from "../../../src/protocol/types.ts";
import { fakeSession } from "./fake_session.ts";

const status = (name: string): ProcessStatus => ({
  name,
  program: name.split(":")[0]!,
  index: 0,
  state: "STOPPED",
  pid: null,
  exitCode: null,
  signal: null,
  since: "2024-01-01T00:00:00.000Z",
  restarts: 0,
  description: "",
  waitingOn: [],
  ready: null,
  health: null,
  desired: "started",
  held: false,
});

// As the real client raises it: the daemon's message, no line end.
const unknown = (name: string) => new CtlError(1, `no such process: ${name}`);

Deno.test("namesFrom: 'all', then each program and process name once, in order", () => {
  assert.deepEqual(namesFrom([{ name: "w:0", program: "w" }, { name: "w:1", program: "w" }]), [
    "all",
    "w",
    "w:0",
    "w:1",
  ]);
  assert.deepEqual(namesFrom([]), ["all"]);
  assert.deepEqual(namesFrom([{ name: "solo", program: "solo" }]), ["all", "solo"]);
});

Deno.test("status: --json prints the list as JSON; otherwise the table; exit 0", async () => {
  const s = fakeSession({ status: () => [status("a")] });
  await cmdStatus(s, [], true);
  assert.deepEqual(JSON.parse(s.stdout.join("")), [status("a")]);
  assert.deepEqual(s.calls, [{ name: "status", request: { names: [] } }]);
  const t = fakeSession({ status: () => [status("a")] });
  await cmdStatus(t, ["a"], false);
  assert.match(t.stdout.join(""), /^a\s+STOPPED/);
  assert.equal(t.exitCode, 0);
});

Deno.test("status with several names: known ones shown, each unknown one reported, exit 1", async () => {
  const s = fakeSession({
    status(req) {
      const names = (req as { names: string[] }).names;
      const bad = names.find((n) => n.startsWith("nope"));
      if (bad !== undefined) throw unknown(bad);
      return names.map(status);
    },
  });
  await cmdStatus(s, ["a", "nope1", "b", "nope2"], false);
  assert.match(s.stdout.join(""), /^a\s+STOPPED\nb\s+STOPPED\n$/);
  assert.deepEqual(s.stderr, [
    "taskmasterctl: no such process: nope1\n",
    "taskmasterctl: no such process: nope2\n",
  ]);
  assert.equal(s.exitCode, 1);
});

Deno.test("status with one unknown name fails with the daemon's error", async () => {
  const s = fakeSession({
    status: () => {
      throw unknown("x");
    },
  });
  await assert.rejects(() => cmdStatus(s, ["x"], false), /no such process: x/);
});

Deno.test("status: errors other than 'failed' (e.g. unreachable) are not split per name", async () => {
  const s = fakeSession({
    status: () => {
      throw new CtlError(3, "gone");
    },
  });
  await assert.rejects(() => cmdStatus(s, ["a", "b"], false), /gone/);
  assert.equal(s.calls.length, 1);
});

Deno.test("start/stop/restart/signal: exit 1 when any result failed, 0 when all ok", async () => {
  const s = fakeSession({
    start: () => [{ name: "a", ok: true, state: "RUNNING", message: "started" }],
    stop: () => [
      { name: "a", ok: true, state: "STOPPED", message: "stopped" },
      { name: "b", ok: false, state: "FATAL", message: "not running" },
    ],
    signal: () => [{ name: "a", ok: true, state: "RUNNING", message: "signalled" }],
  });
  await cmdAction(s, "start", ["a"], false);
  assert.equal(s.exitCode, 0);
  assert.equal(s.stdout.join(""), "a: started\n");
  await cmdSignal(s, "HUP", ["a"], true);
  assert.deepEqual(s.calls.at(-1), { name: "signal", request: { signal: "HUP", names: ["a"] } });
  assert.equal(s.exitCode, 0);
  await cmdAction(s, "stop", ["a", "b"], false);
  assert.equal(s.exitCode, 1);
  assert.match(s.stdout.join(""), /b: not running\n$/);
});

Deno.test("reload: sends dryRun, prints the four lists (JSON keeps only them)", async () => {
  const result = { added: ["n"], changed: [], removed: [], unchanged: ["o"], extra: 1 };
  const s = fakeSession({ reload: () => result });
  await cmdReload(s, true, false);
  assert.deepEqual(s.calls[0], { name: "reload", request: { dryRun: true } });
  assert.match(s.stdout.join(""), /^dry run: nothing changed\nadded:\s+n\n/);
  const j = fakeSession({ reload: () => result });
  await cmdReload(j, false, true);
  assert.deepEqual(JSON.parse(j.stdout.join("")), {
    added: ["n"],
    changed: [],
    removed: [],
    unchanged: ["o"],
  });
});

Deno.test("shutdown without --yes and without a terminal is refused with exit 2", async () => {
  const s = fakeSession({ shutdown: () => ({ stopped: true }) });
  await assert.rejects(
    () => cmdShutdown(s, false, false),
    (error: unknown) => error instanceof CtlError && error.exitCode === 2,
  );
  assert.equal(s.calls.length, 0, "nothing sent to the daemon");
});

Deno.test("shutdown asks first (shell or terminal); 'no' cancels with exit 1", async () => {
  for (const flags of [{ interactive: true }, { stdinIsTerminal: true }]) {
    const s = fakeSession({ shutdown: () => ({ stopped: true }) }, flags);
    s.answer = false;
    await cmdShutdown(s, false, false);
    assert.equal(s.asked.length, 1);
    assert.deepEqual(s.stderr, ["cancelled\n"]);
    assert.equal(s.exitCode, 1);
    assert.equal(s.calls.length, 0);
  }
});

Deno.test("tail: without -f prints the text (or JSON) of the chosen stream", async () => {
  const s = fakeSession({ tail: () => ({ name: "a", stream: "stderr", text: "x\ny\n" }) });
  await cmdTail(s, "a", "stderr", { follow: false, lines: 5, json: false });
  assert.deepEqual(s.calls[0], {
    name: "tail",
    request: { name: "a", stream: "stderr", lines: 5 },
  });
  assert.equal(s.stdout.join(""), "x\ny\n");
});

Deno.test("tail -f: decodes base64 chunks; the in-memory tail is cut to -n lines", async () => {
  const s = fakeSession();
  const b64 = (text: string) => btoa(text);
  s.streams.output = [{ data: b64("1\n2\n3\n4\n"), tail: true }, { data: b64("5\n") }];
  await cmdTail(s, "a", "stdout", { follow: true, lines: 2, json: false });
  assert.equal(s.stdout.join(""), "3\n4\n5\n");
  assert.deepEqual(s.calls[0]!.request, { name: "a", stream: "stdout", follow: "1" });
});

Deno.test("tail -f -n 0 shows no history; a split UTF-8 character is joined", async () => {
  const s = fakeSession();
  const bytes = new TextEncoder().encode("é\n");
  const b64 = (u: Uint8Array) => btoa(String.fromCharCode(...u));
  s.streams.output = [
    { data: b64(new TextEncoder().encode("old\n")), tail: true },
    { data: b64(bytes.subarray(0, 1)) },
    { data: b64(bytes.subarray(1)) },
  ];
  await cmdTail(s, "a", "stdout", { follow: true, lines: 0, json: false });
  assert.equal(s.stdout.join(""), "é\n");
});

Deno.test("log: formats events as lines, or JSON; -f asks for follow with the line count", async () => {
  const event: LogEvent = {
    seq: 1,
    time: "2024-01-01T00:00:00.000Z",
    level: "INFO",
    process: "a",
    program: "a",
    event: "spawned",
    fields: { pid: 5 },
  };
  const s = fakeSession({ log: () => [event] });
  await cmdLog(s, { follow: false, lines: 3, json: false });
  assert.deepEqual(s.calls[0], { name: "log", request: { lines: 3 } });
  assert.equal(s.stdout.join(""), "2024-01-01T00:00:00.000Z INFO a spawned pid=5\n");
  const f = fakeSession();
  f.streams.events = [event];
  await cmdLog(f, { follow: true, lines: 7, json: true });
  assert.deepEqual(f.calls[0]!.request, { follow: "1", lines: "7" });
  assert.deepEqual(JSON.parse(f.stdout.join("")), event);
});

Deno.test("pid: the daemon's pid without names; one bare pid; name pid pairs; 0 if none", async () => {
  const s = fakeSession({
    info: () => ({ pid: 99 }),
    pid: (req) =>
      (req as { names: string[] }).names.map((name) => ({ name, pid: name === "a" ? 5 : null })),
  });
  await cmdPid(s, [], false);
  await cmdPid(s, ["b"], false);
  await cmdPid(s, ["a", "b"], false);
  assert.deepEqual(s.stdout, ["99\n", "0\n", "a 5\nb 0\n"]);
});

Deno.test("version prints both versions; info and alert test print the daemon's answer", async () => {
  const s = fakeSession({
    version: () => ({ version: "9.9.9", apiVersion: 4 }),
    alertTest: () => ({ message: "to ops@x" }),
  });
  await cmdVersion(s, false);
  assert.equal(s.stdout[0], `taskmasterctl ${VERSION}\ntaskmasterd 9.9.9 (api 4)\n`);
  await cmdVersion(s, true);
  assert.deepEqual(JSON.parse(s.stdout[1]!), {
    taskmasterctl: VERSION,
    taskmasterd: "9.9.9",
    api: 4,
  });
  await cmdAlertTest(s, false);
  assert.equal(s.stdout[2], "alert sent: to ops@x\n");
  const i = fakeSession({ info: () => ({ pid: 1, version: "v" }) });
  await cmdInfo(i, true);
  assert.deepEqual(JSON.parse(i.stdout.join("")), { pid: 1, version: "v" });
});

Deno.test("_names prints the completion candidates one per line", async () => {
  const s = fakeSession({ status: () => [status("w:0"), status("w:1")] });
  await cmdNames(s);
  assert.equal(s.stdout.join(""), "all\nw\nw:0\nw:1\n");
});

Deno.test("shutdown --yes sends shutdown and returns once the socket is gone", async () => {
  const s = fakeSession({ shutdown: () => ({ stopped: true }) });
  await cmdShutdown(s, true, false);
  assert.deepEqual(s.calls.map((c) => c.name), ["shutdown"]);
  assert.equal(s.stdout.join(""), "taskmasterd stopped\n");
  assert.equal(s.asked.length, 0);
});

// With several NAMEs, each unknown one is its own stderr line, prefixed like other errors.
Deno.test({
  name: "status with several unknown names reports each on its own stderr line",
  async fn() {
    const s = fakeSession({
      status(req) {
        const names = (req as { names: string[] }).names;
        const bad = names.find((n) => n.startsWith("nope"));
        if (bad !== undefined) throw new CtlError(1, `no such process: ${bad}`);
        return names.map(status);
      },
    });
    await cmdStatus(s, ["a", "nope1", "nope2"], false);
    const lines = s.stderr.join("").split("\n");
    assert.equal(lines.at(-1), "", "stderr ends with a newline");
    assert.equal(lines.filter((l) => /no such process: nope\d/.test(l)).length, 2);
  },
});
