/**
 * Two `taskmasterd` started at the same moment on the same config, over a stale socket file left
 * by a crashed predecessor (docs/cli.md "One daemon per socket"): exactly one runs the programs,
 * the other exits 1 saying another daemon is running, and it neither spawns a program nor stops
 * the winner's children nor removes the winner's socket. Several rounds, since the interleaving
 * of two cold starts varies.
 */
import assert from "node:assert/strict";
import { type DaemonHandle, startDaemon, writeTempConfig } from "../helpers/daemon_harness.ts";
import { pidAlive, waitFor } from "../helpers/wait_for.ts";
import { statusMap } from "./lib/daemon_util.ts";

const ROUNDS = 4;
const CONFIG = `taskmaster:
  socket: ./taskmasterd.sock
programs:
  sleeper:
    cmd: ["/bin/sleep", "600"]
    numprocs: 3
    autostart: true
    starttime: 0
    stdout: none
    stderr: none
`;

const spawnedLines = (daemon: DaemonHandle) => daemon.lines.filter((l) => / spawned /.test(l));

Deno.test("two daemons started at once over a stale socket: one runs, one refuses, nothing doubled", async () => {
  for (let round = 1; round <= ROUNDS; round++) {
    const { dir } = await writeTempConfig(CONFIG);
    // What a SIGKILLed daemon leaves: a socket file nobody listens on.
    const stale = Deno.listen({ transport: "unix", path: `${dir}/taskmasterd.sock` });
    stale.close();
    const daemons = await Promise.all([
      startDaemon(CONFIG, { dir, waitReady: false }),
      startDaemon(CONFIG, { dir, waitReady: false }),
    ]);
    try {
      const loser = await waitFor(
        () => Promise.race([...daemons.map((d) => d.status.then(() => d)), tick()]),
        { timeoutMs: 60_000, what: `round ${round}: one daemon refusing` },
      );
      const winner = daemons.find((d) => d !== loser)!;
      const code = (await loser.status).code;
      assert.equal(code, 1, `round ${round}: loser exit code\n${loser.lines.join("\n")}`);
      assert.ok(
        loser.lines.some((l) => /another taskmasterd is (already )?running on /.test(l)),
        loser.lines.join("\n"),
      );
      assert.deepEqual(spawnedLines(loser), [], "the refused daemon spawned nothing");
      const running = await waitFor(async () => {
        const map = await statusMap(winner);
        const pids = [...map.values()].filter((p) => p.state === "RUNNING").map((p) => p.pid);
        return pids.length === 3 ? pids : null;
      }, { timeoutMs: 60_000, what: `round ${round}: the winner's 3 sleepers RUNNING` });
      // No child was stopped by the loser's orphan sweep and respawned.
      assert.equal(spawnedLines(winner).length, 3, winner.lines.join("\n"));
      for (const pid of running) assert.ok(pid !== null && pidAlive(pid), `pid ${pid} alive`);
    } finally {
      for (const daemon of daemons) await daemon.stop({ keepDir: true });
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  }
});

/** Resolves null soon, so waitFor polls the race again. */
function tick(): Promise<null> {
  return new Promise((resolve) => setTimeout(() => resolve(null), 50));
}

Deno.test("a daemon whose socket file was deleted still owns the config: a second one refuses and touches nothing", async () => {
  const first = await startDaemon(CONFIG);
  let second: DaemonHandle | null = null;
  try {
    const pids = await waitFor(async () => {
      const map = await statusMap(first);
      const list = [...map.values()].filter((p) => p.state === "RUNNING").map((p) => p.pid);
      return list.length === 3 ? list : null;
    }, { timeoutMs: 60_000, what: "the first daemon's 3 sleepers RUNNING" });
    // What a /tmp cleaner does to a long-lived socket.
    await Deno.remove(first.socket);
    second = await startDaemon(CONFIG, { dir: first.dir, waitReady: false });
    const refusing = second;
    const { code } = await waitFor(() => Promise.race([refusing.status, tick()]), {
      timeoutMs: 30_000,
      what: "the second daemon refusing to start",
    });
    assert.equal(code, 1, second.lines.join("\n"));
    assert.ok(
      second.lines.some((l) => /another taskmasterd is already running on /.test(l)),
      second.lines.join("\n"),
    );
    assert.deepEqual(spawnedLines(second), [], "the refused daemon spawned nothing");
    for (const pid of pids) assert.ok(pid !== null && pidAlive(pid), `first daemon's pid ${pid}`);
    assert.equal(spawnedLines(first).length, 3, first.lines.join("\n"));
  } finally {
    await second?.stop({ keepDir: true });
    await first.stop();
  }
});
