/**
 * End-to-end tests of `taskmasterd` itself: command line, reload on SIGHUP checked by pid,
 * invalid reload, SIGTERM shutdown, second daemon refused, orphans of a SIGKILLed daemon.
 */
import assert from "node:assert/strict";
import {
  daemonTaskFlags,
  runDaemonCommand,
  startDaemon,
  writeTempConfig,
} from "../helpers/daemon_harness.ts";
import { pidAlive, waitFor } from "../helpers/wait_for.ts";
import { killGroup } from "../../src/process/kill_group.ts";

interface Proc {
  name: string;
  state: string;
  pid: number | null;
}

async function statusOf(
  daemon: Awaited<ReturnType<typeof startDaemon>>,
): Promise<Map<string, Proc>> {
  const reply = await daemon.call("status", {});
  assert(reply.ok, `status failed: ${JSON.stringify(reply)}`);
  return new Map((reply.result as Proc[]).map((p) => [p.name, p]));
}

async function waitRunning(
  daemon: Awaited<ReturnType<typeof startDaemon>>,
  names: string[],
): Promise<Map<string, Proc>> {
  return await waitFor(async () => {
    const status = await statusOf(daemon);
    return names.every((n) => status.get(n)?.state === "RUNNING") ? status : null;
  }, { timeoutMs: 15_000, what: `${names.join(",")} RUNNING` });
}

const SLEEP = `["/bin/sleep", "1000"]`;

function config(programs: string): string {
  return `taskmaster:\n  http: false\nprograms:\n${programs}`;
}

Deno.test("taskmasterd -t accepts a valid config and exits 0", async () => {
  const { dir, configPath } = await writeTempConfig(
    config(`  a:\n    cmd: ${SLEEP}\n`),
  );
  const result = await runDaemonCommand(["-t", "-c", configPath]);
  await Deno.remove(dir, { recursive: true });
  assert.equal(result.code, 0, result.stderr);
});

Deno.test("taskmasterd -t reports every error as FILE:LINE:COL and exits 1", async () => {
  const { dir, configPath } = await writeTempConfig(
    config(`  a:\n    cmd: ${SLEEP}\n    numprocs: 0\n    stopsignal: FOO\n`),
  );
  const result = await runDaemonCommand(["-t", "-c", configPath]);
  await Deno.remove(dir, { recursive: true });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /taskmaster\.yaml:6:\d+: programs\.a\.numprocs: /);
  assert.match(result.stderr, /taskmaster\.yaml:7:\d+: programs\.a\.stopsignal: /);
});

Deno.test("taskmasterd rejects unknown arguments with exit 2 and prints --version", async () => {
  const bad = await runDaemonCommand(["--frobnicate"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /unknown argument '--frobnicate'/);
  const version = await runDaemonCommand(["--version"]);
  assert.equal(version.code, 0);
  assert.match(version.stdout, /^taskmasterd \d+\.\d+\.\d+/);
});

Deno.test("SIGHUP reload touches only what changed (checked by pid)", async () => {
  const before = config(
    `  keep:\n    cmd: ${SLEEP}\n    starttime: 0\n` +
      `  gone:\n    cmd: ${SLEEP}\n    starttime: 0\n` +
      `  shaped:\n    cmd: ${SLEEP}\n    starttime: 0\n    env: { A: "1" }\n` +
      `  policy:\n    cmd: ${SLEEP}\n    starttime: 0\n    stoptime: 5\n` +
      `  many:\n    cmd: ${SLEEP}\n    starttime: 0\n    numprocs: 3\n`,
  );
  const daemon = await startDaemon(before);
  try {
    const s1 = await waitRunning(daemon, ["keep", "gone", "shaped", "policy", "many:0", "many:2"]);
    const from = daemon.lines.length;
    await daemon.writeConfig(config(
      `  keep:\n    cmd: ${SLEEP}\n    starttime: 0\n` +
        `  shaped:\n    cmd: ${SLEEP}\n    starttime: 0\n    env: { A: "2" }\n` +
        `  policy:\n    cmd: ${SLEEP}\n    starttime: 0\n    stoptime: 7\n` +
        `  many:\n    cmd: ${SLEEP}\n    starttime: 0\n    numprocs: 5\n` +
        `  added:\n    cmd: ${SLEEP}\n    starttime: 0\n`,
    ));
    Deno.kill(daemon.child.pid, "SIGHUP");
    await daemon.waitLine(/ - reload /, { fromLine: from });
    const s2 = await waitRunning(daemon, ["keep", "shaped", "policy", "added", "many:4"]);
    assert.equal(s2.get("keep")!.pid, s1.get("keep")!.pid, "unchanged program keeps its pid");
    assert.equal(s2.get("policy")!.pid, s1.get("policy")!.pid, "policy change applies live");
    assert.notEqual(s2.get("shaped")!.pid, s1.get("shaped")!.pid, "env change restarts");
    for (const i of [0, 1, 2]) {
      assert.equal(s2.get(`many:${i}`)!.pid, s1.get(`many:${i}`)!.pid, `many:${i} untouched`);
    }
    assert.equal(s2.has("gone"), false, "removed program dropped");
    await waitFor(() => !pidAlive(s1.get("gone")!.pid!), { what: "removed program's pid gone" });
    await waitFor(() => !pidAlive(s1.get("shaped")!.pid!), { what: "old shaped pid gone" });
  } finally {
    await daemon.stop();
  }
});

Deno.test("an invalid config on SIGHUP keeps every process and logs reload-failed", async () => {
  const daemon = await startDaemon(config(`  a:\n    cmd: ${SLEEP}\n    starttime: 0\n`));
  try {
    const s1 = await waitRunning(daemon, ["a"]);
    const from = daemon.lines.length;
    await daemon.writeConfig("programs:\n  a:\n    cmd: [unterminated\n");
    Deno.kill(daemon.child.pid, "SIGHUP");
    const line = await daemon.waitLine(/reload-failed/, { fromLine: from });
    assert.match(line, /taskmaster\.yaml/);
    const s2 = await statusOf(daemon);
    assert.equal(s2.get("a")!.pid, s1.get("a")!.pid);
    assert.equal(s2.get("a")!.state, "RUNNING");
  } finally {
    await daemon.stop();
  }
});

Deno.test("SIGTERM stops every program, removes the socket and exits 0", async () => {
  const daemon = await startDaemon(
    config(`  a:\n    cmd: ${SLEEP}\n    starttime: 0\n    numprocs: 2\n`),
  );
  const s = await waitRunning(daemon, ["a:0", "a:1"]);
  Deno.kill(daemon.child.pid, "SIGTERM");
  const status = await daemon.status;
  assert.equal(status.code, 0);
  for (const p of s.values()) assert.equal(pidAlive(p.pid!), false, `${p.name} still alive`);
  await assertGone(daemon.socket);
  await daemon.stop();
});

Deno.test("a second daemon on the same socket refuses to start and touches nothing", async () => {
  const daemon = await startDaemon(config(`  a:\n    cmd: ${SLEEP}\n    starttime: 0\n`));
  try {
    const s1 = await waitRunning(daemon, ["a"]);
    const second = await runDaemonCommand(["-c", daemon.configPath], daemon.dir);
    assert.equal(second.code, 1);
    assert.match(second.stderr, /already running/);
    const s2 = await statusOf(daemon);
    assert.equal(s2.get("a")!.pid, s1.get("a")!.pid);
  } finally {
    await daemon.stop();
  }
});

Deno.test("processes left by a SIGKILLed daemon are stopped by the next one", async () => {
  const text = config(`  a:\n    cmd: ${SLEEP}\n    starttime: 0\n`);
  const first = await startDaemon(text);
  const dir = first.dir;
  let second: Awaited<ReturnType<typeof startDaemon>> | null = null;
  let orphan = 0;
  try {
    orphan = (await waitRunning(first, ["a"])).get("a")!.pid!;
    // The pids file is written shortly after each spawn (debounced); wait until it lists ours.
    await waitFor(
      () => Deno.readTextFile(`${dir}/taskmasterd.pids`).then((t) => t.includes(String(orphan))),
      { what: "pids file lists the child" },
    );
    first.child.kill("SIGKILL");
    await first.status;
    assert(pidAlive(orphan), "children keep running after the daemon is SIGKILLed");
    second = await startDaemon(text, { dir });
    await second.waitLine(/orphan-stopped/);
    await waitFor(() => !pidAlive(orphan), { what: "orphan stopped" });
    const s = await waitRunning(second, ["a"]);
    assert.notEqual(s.get("a")!.pid, orphan);
  } finally {
    if (orphan && pidAlive(orphan)) killGroup(orphan, "SIGKILL");
    await second?.stop();
    await first.stop().catch(() => {
      // The first daemon's dir is shared with the second, which already removed it.
    });
  }
});

async function assertGone(path: string): Promise<void> {
  try {
    await Deno.lstat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return;
    throw error;
  }
  throw new Error(`${path} still exists`);
}

Deno.test("deno task daemon's explicit permissions suffice: spawn, pids file, stop", async () => {
  const flags = await daemonTaskFlags();
  assert.ok(!flags.includes("-A") && !flags.includes("--allow-all"), `flags: ${flags}`);
  const daemon = await startDaemon(
    config(`  a:\n    cmd: ${SLEEP}\n    starttime: 0\n    numprocs: 2\n`),
    { flags },
  );
  try {
    const s = await waitRunning(daemon, ["a:0", "a:1"]);
    const pids = [...s.values()].map((p) => p.pid!);
    // The pids file needs /proc start times, which Deno gates behind -A: the fallback must work;
    // each line also carries the stop policy the next run uses (default TERM, stoptime 10 s).
    await waitFor(
      () =>
        Deno.readTextFile(`${daemon.dir}/taskmasterd.pids`).then((t) =>
          pids.every((pid) => new RegExp(`^${pid} \\d+ SIGTERM 10000$`, "m").test(t))
        ),
      { what: "pids file lists both children with start times" },
    );
    const stopped = await daemon.call("stop", { names: ["all"] });
    assert.ok(stopped.ok, JSON.stringify(stopped));
    for (const pid of pids) assert.equal(pidAlive(pid), false);
    assert.deepEqual(daemon.lines.filter((l) => /internal|NotCapable/.test(l)), []);
  } finally {
    await daemon.stop();
  }
});
