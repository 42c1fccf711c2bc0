/**
 * The daemon's event log file (`taskmaster.logfile`) end to end: the docs/events.md line format,
 * the lifecycle/reload/daemon events landing in the file, and SIGUSR2 after `mv` (logrotate)
 * reopening both the event log and a child's stdout file at their paths with nothing lost or
 * duplicated.
 */
import assert from "node:assert/strict";
import { FIXTURES_BIN, startDaemon } from "../helpers/daemon_harness.ts";
import { waitFor } from "../helpers/wait_for.ts";
import { ctlAt, waitStates } from "./lib/e2e_helpers.ts";
import { EVENT_NAMES } from "../../src/protocol/types.ts";

const LINE =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z (DEBUG|INFO|WARN|ERROR) (\S+) ([a-z-]+)( \S+=("([^"\\]|\\.)*"|\S*))*$/;
const EVENTS: ReadonlySet<string> = new Set(EVENT_NAMES);

const TICKER = `["/bin/sh", "-c", "i=0; while :; do i=$((i+1)); echo tick$i; sleep 0.02; done"]`;

const CONFIG = `taskmaster:
  http: false
  logfile: ./logs/events.log
programs:
  ticker:
    cmd: ${TICKER}
    stdout: ./logs/ticker.out
    starttime: 0.2
  once:
    cmd: [${FIXTURES_BIN}/exit_with, "3", "0.3"]
    starttime: 0.1
    autorestart: false
  sleeper:
    cmd: ${FIXTURES_BIN}/forever
    starttime: 0.1
`;

async function readOr(path: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return "";
    throw error;
  }
}

/**
 * Parses every line; fails on any that breaks the §13 format. A `[taskmaster: N bytes dropped]`
 * line is the format too (docs/lifecycle.md: a write stuck > 1 s drops, then says so; a starved machine
 * gets there) and is skipped.
 */
function parse(text: string): { level: string; process: string; event: string; line: string }[] {
  const dropped = /^\[taskmaster: \d+ bytes dropped\]$/;
  return text.split("\n").filter((l) => l !== "" && !dropped.test(l)).map((line) => {
    const m = line.match(LINE);
    assert.ok(m, `event line breaks the format: ${line}`);
    assert.ok(EVENTS.has(m[3]!), `unknown event name in: ${line}`);
    return { level: m[1]!, process: m[2]!, event: m[3]!, line };
  });
}

Deno.test("e2e event log: §13 lines in the logfile; SIGUSR2 after mv reopens event log and stdout", async () => {
  const daemon = await startDaemon(CONFIG);
  const log = `${daemon.dir}/logs/events.log`;
  const out = `${daemon.dir}/logs/ticker.out`;
  try {
    await waitStates(daemon, { ticker: "RUNNING", once: "EXITED", sleeper: "RUNNING" });
    const stop = await ctlAt(daemon, ["stop", "sleeper"]);
    assert.equal(stop.code, 0, stop.stderr);
    Deno.kill(daemon.child.pid, "SIGHUP");
    const has = (text: string, process: string, event: string) =>
      parse(text).some((e) => e.process === process && e.event === event);
    const first = await waitFor(async () => {
      const text = await readOr(log);
      return ["spawned", "running", "exited"].every((e) => has(text, "once", e)) &&
          has(text, "sleeper", "stopped") && has(text, "-", "reload") &&
          has(text, "-", "daemon-start")
        ? text
        : null;
    }, { what: "lifecycle events in the logfile" });
    const exited = parse(first).find((e) => e.process === "once" && e.event === "exited")!;
    assert.match(exited.line, /code=3/);
    assert.match(exited.line, / pid=\d+/);

    // logrotate: move both files away, then SIGUSR2.
    await waitFor(async () => (await readOr(out)).includes("tick5\n"), { what: "ticks" });
    await Deno.rename(log, `${log}.1`);
    await Deno.rename(out, `${out}.1`);
    Deno.kill(daemon.child.pid, "SIGUSR2");
    await waitFor(async () => (await readOr(out)).includes("\ntick"), {
      what: "child stdout reopened at its path",
    });
    const restart = await ctlAt(daemon, ["start", "once"]);
    assert.equal(restart.code, 0, restart.stdout + restart.stderr);
    await waitFor(async () => has(await readOr(log), "once", "running"), {
      what: "new events in a fresh event log at the path",
    });

    Deno.kill(daemon.child.pid, "SIGTERM");
    assert.equal((await daemon.status).code, 0);
    const fresh = parse(await readOr(log));
    const old = parse(await readOr(`${log}.1`));
    assert.ok(fresh.some((e) => e.event === "daemon-stop"), "daemon-stop in the fresh file");
    assert.ok(!old.some((e) => e.event === "daemon-stop"), "nothing written to the moved file");
    assert.ok(!fresh.some((e) => e.event === "daemon-start" && /pid=/.test(e.line)));

    // Child output: the moved file and the fresh one together hold tick1..tickN once each.
    const ticks = ((await readOr(`${out}.1`)) + (await readOr(out))).split("\n").filter(Boolean);
    ticks.forEach((t, i) => assert.equal(t, `tick${i + 1}`, "no tick lost, doubled or reordered"));
    assert.ok((await readOr(out)).length > 0);
  } finally {
    await daemon.stop();
  }
});
