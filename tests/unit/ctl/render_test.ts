import assert from "node:assert/strict";
import {
  colorsWanted,
  formatUptime,
  makePaint,
  renderActions,
  renderDeps,
  renderInfo,
  renderReload,
  renderStatus,
} from "../../../ctl/render.ts";
import type { DaemonInfo, ProcessStatus } from "../../../src/protocol/types.ts";

const base: Omit<ProcessStatus, "name" | "state" | "pid"> = {
  program: "p",
  index: 0,
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
};
const now = Date.parse("2024-01-01T01:02:03.000Z");

Deno.test("status rendering: uptime for RUNNING, exit or signal otherwise, colors only when on", () => {
  const list: ProcessStatus[] = [
    { ...base, name: "a", state: "RUNNING", pid: 7 },
    { ...base, name: "bb", state: "EXITED", pid: null, exitCode: 3 },
    { ...base, name: "c", state: "STOPPED", pid: null, signal: "SIGKILL" },
  ];
  assert.equal(
    renderStatus(list, makePaint(false), now),
    "a   RUNNING   pid 7, uptime 1:02:03\nbb  EXITED    exit status 3\nc   STOPPED   killed by SIGKILL\n",
  );
  assert.equal(renderStatus(list, makePaint(true), now).includes("\x1b[32mRUNNING\x1b[0m"), true);
});

Deno.test("status rendering: restarts and description follow; no trailing blanks", () => {
  const list: ProcessStatus[] = [
    { ...base, name: "w", state: "BACKOFF", pid: null, restarts: 2, description: "retry in 4 s" },
    { ...base, name: "x", state: "STOPPED", pid: null },
  ];
  assert.equal(
    renderStatus(list, makePaint(false), now),
    "w  BACKOFF   restarts 2, retry in 4 s\nx  STOPPED\n",
  );
});

Deno.test("status rendering: an empty list says no programs are configured", () => {
  assert.equal(renderStatus([], makePaint(false), now), "no programs configured\n");
});

Deno.test("state colors: green running, red failures, yellow transitions, plain stopped", () => {
  const paint = makePaint(true);
  const line = (state: ProcessStatus["state"]) =>
    renderStatus([{ ...base, name: "n", state, pid: null }], paint, now);
  assert.ok(line("RUNNING").includes("\x1b[32mRUNNING"));
  for (const s of ["FATAL", "BACKOFF", "EXITED"] as const) {
    assert.ok(line(s).includes("\x1b[31m"), s);
  }
  for (const s of ["STARTING", "STOPPING"] as const) assert.ok(line(s).includes("\x1b[33m"), s);
  assert.ok(!line("STOPPED").includes("\x1b["));
});

Deno.test("formatUptime: H:MM:SS, days in front, never negative", () => {
  assert.equal(formatUptime(0), "0:00:00");
  assert.equal(formatUptime(59.9), "0:00:59");
  assert.equal(formatUptime(3600), "1:00:00");
  assert.equal(formatUptime(90061), "1d 1:01:01");
  assert.equal(formatUptime(-5), "0:00:00");
});

Deno.test("makePaint(false) is the identity; makePaint(true) wraps in SGR codes", () => {
  const off = makePaint(false);
  assert.deepEqual([off.green("x"), off.red("x"), off.yellow("x"), off.dim("x")], [
    "x",
    "x",
    "x",
    "x",
  ]);
  const on = makePaint(true);
  assert.equal(on.red("x"), "\x1b[31mx\x1b[0m");
  assert.equal(on.dim("x"), "\x1b[2mx\x1b[0m");
});

Deno.test({
  name: "colorsWanted: only on a terminal, and NO_COLOR (non-empty) turns them off",
  permissions: { env: true },
  fn() {
    const saved = Deno.env.get("NO_COLOR");
    try {
      Deno.env.delete("NO_COLOR");
      assert.equal(colorsWanted(true), true);
      assert.equal(colorsWanted(false), false);
      Deno.env.set("NO_COLOR", "");
      assert.equal(colorsWanted(true), true);
      Deno.env.set("NO_COLOR", "1");
      assert.equal(colorsWanted(true), false);
    } finally {
      if (saved === undefined) Deno.env.delete("NO_COLOR");
      else Deno.env.set("NO_COLOR", saved);
    }
  },
});

Deno.test("renderActions: one line per result, failures in red, nothing for no results", () => {
  const results = [
    { name: "a", ok: true, state: "RUNNING" as const, message: "started" },
    { name: "b", ok: false, state: "FATAL" as const, message: "spawn error" },
  ];
  assert.equal(renderActions(results, makePaint(false)), "a: started\nb: spawn error\n");
  assert.equal(
    renderActions(results, makePaint(true)),
    "a: started\nb: \x1b[31mspawn error\x1b[0m\n",
  );
  assert.equal(renderActions([], makePaint(false)), "");
});

Deno.test("renderReload: the four lists, '-' for empty ones, dry run said first", () => {
  const result = { added: ["n"], changed: ["x", "y"], removed: [], unchanged: [] };
  assert.equal(
    renderReload(result, false),
    "added:     n\nchanged:   x y\nremoved:   -\nunchanged: -\n",
  );
  assert.match(renderReload(result, true), /^dry run: nothing changed\nadded:/);
});

const info: DaemonInfo = {
  version: "1.2.3",
  apiVersion: 1,
  pid: 42,
  startedAt: "2024-01-01T00:00:00.000Z",
  uptimeSeconds: 3661,
  configFile: "/etc/tm.yaml",
  lastReload: null,
  reloads: { ok: 0, failed: 0 },
  httpUrl: "http://127.0.0.1:4242/",
  httpError: null,
  logLossBytes: 0,
  alerts: { sent: 1, failed: 2, dropped: 3 },
  stateFile: "/etc/taskmasterd.state.json",
  stateError: null,
  overrides: 0,
};

Deno.test("renderInfo: one aligned key: value line per fact", () => {
  assert.equal(
    renderInfo(info, makePaint(false)),
    [
      "version:     1.2.3 (api 1)",
      "pid:         42",
      "started:     2024-01-01T00:00:00.000Z",
      "uptime:      1:01:01",
      "config:      /etc/tm.yaml",
      "last reload: none",
      "web:         http://127.0.0.1:4242/",
      "log loss:    0 bytes",
      "alerts:      1 sent, 2 failed, 3 dropped",
      "state file:  /etc/taskmasterd.state.json (0 overrides)",
    ].join("\n") + "\n",
  );
});

Deno.test("renderInfo: last reload outcome with message; web off or failed", () => {
  const paint = makePaint(false);
  const failed = renderInfo({
    ...info,
    lastReload: { at: "T", ok: false, message: "bad yaml" },
    httpUrl: null,
    httpError: "EADDRINUSE",
  }, paint);
  assert.match(failed, /^last reload: failed at T \(bad yaml\)$/m);
  assert.match(failed, /^web:\s+failed: EADDRINUSE$/m);
  const fine = renderInfo({
    ...info,
    lastReload: { at: "T", ok: true, message: "" },
    httpUrl: null,
  }, paint);
  assert.match(fine, /^last reload: ok at T$/m);
  assert.match(fine, /^web:\s+off$/m);
});

Deno.test("human status marks held processes with held started / held stopped", () => {
  const base = {
    program: "p",
    index: 0,
    pid: null,
    exitCode: 0,
    signal: null,
    since: "2024-01-01T00:00:00.000Z",
    restarts: 0,
    description: "",
    waitingOn: [],
    ready: null,
    health: null,
  };
  const text = renderStatus([
    { ...base, name: "a", state: "STOPPED", desired: "stopped", held: true },
    { ...base, name: "b", state: "STOPPED", desired: "stopped", held: false },
  ], makePaint(false));
  assert.equal(text, "a  STOPPED   held stopped, exit status 0\nb  STOPPED   exit status 0\n");
});

Deno.test("deps rendering: waves then edges; none when no edges", () => {
  assert.equal(renderDeps({ waves: [["a", "b"]], edges: [] }), "no dependencies\n");
  assert.equal(
    renderDeps({
      waves: [["db", "migrate"], ["web"]],
      edges: [{ from: "web", to: "db", condition: "ready" }, {
        from: "web",
        to: "migrate",
        condition: "completed",
      }],
    }),
    "wave 1: db migrate\nwave 2: web\nedges:\n  web -> db (ready)\n  web -> migrate (completed)\n",
  );
});

Deno.test("human status: health as failures over the threshold, with the last reason", () => {
  const health = (state: "healthy" | "unhealthy", failures: number, message: string) => ({
    state,
    failures,
    checkedAt: "2024-01-01T00:00:00.000Z",
    message,
    threshold: 3,
  });
  const at = Date.parse("2024-01-01T00:00:05.000Z");
  const text = renderStatus(
    [
      { ...base, name: "a", state: "RUNNING", pid: 1, health: health("unhealthy", 3, "HTTP 503") },
      { ...base, name: "b", state: "RUNNING", pid: 2, health: health("healthy", 1, "timeout") },
      { ...base, name: "c", state: "RUNNING", pid: 3, health: health("healthy", 0, "") },
    ],
    makePaint(false),
    at,
  );
  assert.match(text, /^a .*unhealthy 3\/3 \(HTTP 503\)$/m);
  assert.match(text, /^b .*healthy, failing 1\/3 \(timeout\)$/m);
  assert.match(text, /^c .*healthy$/m);
});
