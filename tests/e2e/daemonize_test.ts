/**
 * `taskmasterd -d` end to end: returns 0 only once the socket answers, the detached daemon has
 * its own session and no terminal, `taskmasterctl exit --yes` stops it (socket removed, children
 * gone); `-d` with an invalid config exits 1 and prints the error.
 */
import assert from "node:assert/strict";
import { FIXTURES_BIN, MAIN_TS, pingSocket, writeTempConfig } from "../helpers/daemon_harness.ts";
import { killTree, pidAlive, waitFor } from "../helpers/wait_for.ts";
import { ctl } from "../integration/ctl/harness.ts";
import { statFields } from "../../src/process/proc_stat.ts";

/** Runs `main.ts ARGS` with a deadline (a `-d` that never returns must fail, not hang). */
async function runWithDeadline(
  args: string[],
  cwd: string,
  timeoutMs = 20_000,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN_TS, ...args],
    cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  try {
    const out = await child.output();
    const decoder = new TextDecoder();
    return {
      code: out.code,
      stdout: decoder.decode(out.stdout),
      stderr: decoder.decode(out.stderr),
    };
  } finally {
    clearTimeout(timer);
  }
}

/** Fields of /proc/PID/stat after the command name: [state, ppid, pgrp, session, tty_nr, …]. */
function procStat(pid: number): string[] {
  return statFields(Deno.readTextFileSync(`/proc/${pid}/stat`));
}

Deno.test("e2e taskmasterd -d: ready when it returns, detached, stopped by `exit --yes`", async () => {
  const { dir, configPath } = await writeTempConfig(
    `taskmaster:\n  http: false\nprograms:\n  a:\n    cmd: ${FIXTURES_BIN}/forever\n` +
      `    starttime: 0\n    numprocs: 2\n`,
  );
  const socket = `${dir}/taskmasterd.sock`;
  const pids: number[] = [];
  try {
    const started = await runWithDeadline(["-d", "-c", configPath], dir);
    assert.equal(started.code, 0, started.stderr);
    assert.equal(await pingSocket(socket), true, "the socket answers as soon as -d returned");

    const pid = Number((await ctl(["-s", socket, "pid"])).stdout.trim());
    assert.ok(Number.isInteger(pid) && pid > 1);
    pids.push(pid);
    const [, , , session, ttyNr] = procStat(pid);
    assert.equal(Number(session), pid, "the daemon leads its own session");
    assert.equal(Number(ttyNr), 0, "no controlling terminal");
    for (const fd of [0, 1, 2]) {
      const target = Deno.readLinkSync(`/proc/${pid}/fd/${fd}`);
      assert.doesNotMatch(target, /^\/dev\/(pts|tty)/, `fd ${fd} is not a terminal`);
    }

    const status = await ctl(["-s", socket, "status", "--json"]);
    assert.equal(status.code, 0, status.stderr);
    const procs = await waitFor(async () => {
      const list = JSON.parse((await ctl(["-s", socket, "status", "--json"])).stdout) as {
        state: string;
        pid: number | null;
      }[];
      return list.every((p) => p.state === "RUNNING") ? list : null;
    }, { what: "children RUNNING under the detached daemon" });
    for (const p of procs) pids.push(p.pid!);

    // A second `-d` on the same socket: the detached copy refuses; its error reaches us.
    const second = await runWithDeadline(["-d", "-c", configPath], dir);
    assert.equal(second.code, 1);
    assert.match(second.stderr, /already running/);
    assert.equal(Number((await ctl(["-s", socket, "pid"])).stdout.trim()), pid, "first untouched");

    const exit = await ctl(["-s", socket, "exit", "--yes"]);
    assert.equal(exit.code, 0, exit.stdout + exit.stderr);
    // `exit` returns only after every program stopped and the socket closed (docs/cli.md).
    await assert.rejects(Deno.lstat(socket), Deno.errors.NotFound, "socket removed");
    for (const child of pids.slice(1)) {
      assert.equal(pidAlive(child), false, `child ${child} alive after exit returned`);
    }
    await waitFor(() => !pidAlive(pid), { what: "detached daemon gone" });
  } finally {
    for (const pid of pids) if (pidAlive(pid)) killTree(pid);
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("e2e taskmasterd -d with an invalid config exits 1 and prints the error", async () => {
  const { dir, configPath } = await writeTempConfig(
    `taskmaster:\n  http: false\nprograms:\n  a:\n    cmd: /bin/true\n    numprocs: 0\n`,
  );
  try {
    const run = await runWithDeadline(["-d", "-c", configPath], dir);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /taskmaster\.yaml:6:\d+: programs\.a\.numprocs: /);
    await assert.rejects(Deno.lstat(`${dir}/taskmasterd.sock`), Deno.errors.NotFound);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
