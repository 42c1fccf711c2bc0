/**
 * The commander-free fast path (ctl/fast_path.ts) against commander itself: for many argument
 * lists, whenever the fast path takes one, both must make the same daemon calls and print the
 * same bytes with the same exit code. A stub client stands in for the daemon.
 */
import assert from "node:assert/strict";
import { parseFastPath, runFastCall } from "../../../ctl/fast_path.ts";
import { buildProgram, runArgs } from "../../../ctl/program.ts";
import type { ControlClient } from "../../../ctl/client.ts";
import { CtlError, EXIT } from "../../../ctl/errors.ts";
import { makePaint } from "../../../ctl/render.ts";
import type { Session } from "../../../ctl/session.ts";
import type { ActionResult, ProcessStatus } from "../../../src/protocol/types.ts";
import { Rng } from "../../fuzz/fuzz_util.ts";

interface Trace {
  out: string;
  err: string;
  calls: string[];
  code: number;
}

const STATUS: ProcessStatus[] = [{
  name: "web:0",
  program: "web",
  index: 0,
  state: "RUNNING",
  pid: 4100,
  startedAt: 0,
  exitCode: null,
  signal: null,
  description: "",
} as unknown as ProcessStatus];

function stub(trace: Trace): Session {
  const client = {
    socketPath: "/stub.sock",
    call(name: string, request: { names?: string[] }) {
      trace.calls.push(`${name} ${JSON.stringify(request)}`);
      if (request.names?.includes("nope")) {
        return Promise.reject(new CtlError(EXIT.failed, "no such process: nope"));
      }
      if (name === "status") return Promise.resolve(STATUS);
      const results: ActionResult[] = (request.names ?? []).map((n, i) => ({
        name: n,
        ok: i % 2 === 0,
        state: "STOPPED",
        message: i % 2 === 0 ? "stopped" : "failed",
      }));
      return Promise.resolve(results);
    },
    close() {},
  } as unknown as ControlClient;
  return {
    out: (text) => void (trace.out += text),
    err: (text) => void (trace.err += text),
    paint: makePaint(false),
    stdoutIsTerminal: false,
    stderrIsTerminal: false,
    stdinIsTerminal: false,
    interactive: false,
    client: () => Promise.resolve(client),
    ask: () => Promise.resolve(false),
    onInterrupt: () => () => {},
    requestQuit() {},
    exitCode: 0,
  };
}

async function viaCommander(args: string[]): Promise<Trace> {
  const trace: Trace = { out: "", err: "", calls: [], code: -1 };
  const session = stub(trace);
  trace.code = await runArgs(buildProgram(() => session), session, args);
  return trace;
}

async function viaFastPath(args: string[]): Promise<Trace | null> {
  const call = parseFastPath(args);
  if (call === null) return null;
  const trace: Trace = { out: "", err: "", calls: [], code: -1 };
  trace.code = await runFastCall(call, stub(trace));
  return trace;
}

const TOKENS = [
  "-c",
  "x.yaml",
  "-s",
  "s.sock",
  "--json",
  "--config=x.yaml",
  "--socket=s.sock",
  "--config=",
  "status",
  "start",
  "stop",
  "restart",
  "status",
  "stop",
  "web",
  "all",
  "web:1",
  "nope",
  "-h",
  "--help",
  "-x",
  "--",
  "",
  "help",
  "-V",
  "--json=1",
  "-cfoo",
  "tail",
  "-n",
  "--dry-run",
];

Deno.test("fast path: the common lines, byte for byte as commander runs them", async () => {
  const lines = [
    ["status"],
    ["-s", "s.sock", "status", "--json"],
    ["--json", "-c", "x.yaml", "status", "web", "web:1"],
    ["stop", "all"],
    ["-c", "x.yaml", "stop", "all", "--json"],
    ["start", "web", "nope"],
    ["restart", "web", "--json", "all"],
    ["status", "nope", "web"],
  ];
  for (const args of lines) {
    const fast = await viaFastPath(args);
    assert.ok(fast !== null, `the fast path should take ${args.join(" ")}`);
    assert.deepEqual(fast, await viaCommander(args), args.join(" "));
  }
});

Deno.test("fast path: leaves help, errors and unknown shapes to commander", () => {
  for (
    const args of [
      [],
      ["stop"],
      ["status", "-h"],
      ["status", "--", "x"],
      ["-cfoo", "status"],
      ["-c", "-x", "status"],
      ["--config=", "status"],
      ["status", "-s", "x"],
      ["tail", "web"],
      ["help", "status"],
      ["status", ""],
    ]
  ) {
    assert.equal(parseFastPath(args), null, args.join(" "));
  }
});

Deno.test("fast path: random argument lists agree with commander whenever it takes them", async () => {
  const rng = new Rng(20261202);
  let taken = 0;
  for (let i = 0; i < 600; i++) {
    const args = rng.chance(0.5) ? Array.from({ length: rng.int(7) }, () => rng.pick(TOKENS)) : [
      ...rng.pick([[], ["-s", "s.sock"], ["--json", "-c", "x.yaml"], ["--socket=s"]]),
      rng.pick(["status", "start", "stop", "restart"]),
      ...Array.from({ length: rng.int(4) }, () => rng.pick(["web", "all", "nope", "--json"])),
      ...(rng.chance(0.2) ? [rng.pick(TOKENS)] : []),
    ];
    const fast = await viaFastPath(args);
    if (fast === null) continue;
    taken++;
    assert.deepEqual(fast, await viaCommander(args), JSON.stringify(args));
  }
  assert.ok(taken > 100, `the fast path took only ${taken} lists`);
});
