/**
 * F9 and F14 (docs/reliability.md) on a real taskmasterd: every kind of invalid file on SIGHUP and
 * on `reload` keeps the old config and every old pid; a controller that dies mid-`stop` (its
 * connection cut at a random moment) never harms the daemon and the stop still completes.
 * CI variant of F14: 30 repetitions (6 in parallel), stoptime 1 s instead of 200 × 5 s.
 */
import assert from "node:assert/strict";
import { startDaemon } from "../helpers/daemon_harness.ts";
import { waitFor } from "../helpers/wait_for.ts";
import { Rng } from "../fuzz/fuzz_util.ts";
import { daemonConfig, statusMap, waitState } from "./lib/daemon_util.ts";
import { fdCount } from "./lib/proc.ts";
import { httpPost } from "./lib/raw_socket.ts";

const GOOD = daemonConfig(
  `  a:\n    cmd: /bin/sleep 1000\n    starttime: 0\n` +
    `  b:\n    cmd: /bin/sleep 1000\n    starttime: 0\n    numprocs: 2\n`,
);

Deno.test("F9: every invalid-file variant on SIGHUP and reload keeps every old pid", async () => {
  const daemon = await startDaemon(GOOD);
  try {
    await waitState(daemon, "a", ["RUNNING"]);
    await waitState(daemon, "b:1", ["RUNNING"]);
    const pidsBefore = [...(await statusMap(daemon)).values()].map((p) => `${p.name}=${p.pid}`);
    const variants: [string, () => Promise<void>, RegExp][] = [
      ["syntax error", () => daemon.writeConfig(`programs:\n  a: [\n    cmd: x\n`), /:\d+:\d+: /],
      [
        "wrong type",
        () => daemon.writeConfig(GOOD.replace("numprocs: 2", 'numprocs: "two"')),
        /:\d+:\d+: programs\.b\.numprocs/,
      ],
      ["empty file", () => daemon.writeConfig(""), /empty/],
      ["deleted file", () => Deno.remove(daemon.configPath), /no such file|not found/i],
      ["directory in its place", async () => {
        await Deno.remove(daemon.configPath);
        await Deno.mkdir(daemon.configPath);
      }, /regular file|directory/i],
      [
        "truncated half-written",
        () => daemon.writeConfig(GOOD.slice(0, GOOD.length / 2 + 3)),
        /.+/,
      ],
      [
        "unknown key",
        () => daemon.writeConfig(GOOD.replace("starttime: 0", "startime: 0")),
        /startime/,
      ],
    ];
    const figures: string[] = [];
    for (const [label, breakIt, expected] of variants) {
      await breakIt();
      const from = daemon.lines.length;
      Deno.kill(daemon.child.pid, "SIGHUP");
      const line = await daemon.waitLine(/reload-failed/, { fromLine: from });
      const reply = await daemon.call("reload", {});
      const info = await daemon.call("info", {});
      const pidsAfter = [...(await statusMap(daemon)).values()].map((p) => `${p.name}=${p.pid}`);
      figures.push(`${label}: ${line.slice(line.indexOf("reload-failed"), 140)}`);
      assert.deepEqual(pidsAfter, pidsBefore, `${label}: pids changed`);
      assert.equal(reply.ok, false, `${label}: reload accepted`);
      assert.equal(reply.error?.code, "RELOAD_FAILED", `${label}: ${JSON.stringify(reply)}`);
      assert.match(`${line}\n${reply.error?.message}`, expected, `${label}: ${line}`);
      assert.match(reply.error?.message ?? "", /taskmaster\.yaml/, `${label}: file not named`);
      const last = (info.result as { lastReload: { ok: boolean } | null }).lastReload;
      assert.equal(last?.ok, false, `${label}: info.lastReload not failed`);
      // Restore a valid file (nothing changed, so the next reload is a no-op).
      await Deno.remove(daemon.configPath, { recursive: true }).catch(() => {/* deleted */});
      await daemon.writeConfig(GOOD);
    }
    const ok = await daemon.call("reload", {});
    assert(ok.ok, `valid reload refused: ${JSON.stringify(ok)}`);
    const pidsFinal = [...(await statusMap(daemon)).values()].map((p) => `${p.name}=${p.pid}`);
    assert.deepEqual(pidsFinal, pidsBefore, "a no-op reload restarted something");
    console.log(
      `F9: ${variants.length}/${variants.length} variants kept all ${pidsBefore.length} pids:\n  ${
        figures.join("\n  ")
      }`,
    );
  } finally {
    await daemon.stop();
  }
});

Deno.test("F14: controllers cut off mid-stop (30×, random 0–500 ms) never harm the daemon", async () => {
  const N = 6;
  const daemon = await startDaemon(daemonConfig(
    `  stubborn:\n    cmd: ["/bin/sh", "-c", "trap '' TERM; while :; do sleep 0.2; done"]\n` +
      `    numprocs: ${N}\n    starttime: 0.3\n    stoptime: 1\n    autostart: true\n`,
  ));
  try {
    for (let i = 0; i < N; i++) await waitState(daemon, `stubborn:${i}`, ["RUNNING"]);
    // The harness's HTTP client pools keep-alive connections: warm it to N concurrent ones first
    // so the baseline already holds the sockets the loop below will reuse.
    await Promise.all(Array.from({ length: N }, () => daemon.call("status", {})));
    const fdsBefore = fdCount(daemon.child.pid);
    const kindsBefore = fdKinds(daemon.child.pid);
    const seed = Number(Deno.env.get("FUZZ_SEED") ?? Date.now() % 100_000);
    const rng = new Rng(seed);
    let reps = 0;
    const stopTimes: number[] = [];
    while (reps < 30) {
      await Promise.all(Array.from({ length: N }, async (_, i) => {
        const name = `stubborn:${i}`;
        const conn = await Deno.connect({ transport: "unix", path: daemon.socket });
        const t0 = performance.now();
        await conn.write(
          httpPost("stop", new TextEncoder().encode(JSON.stringify({ names: [name] }))),
        );
        const cutAfter = rng.int(500);
        await new Promise((resolve) => setTimeout(resolve, cutAfter));
        conn.close(); // the controller "dies": its socket closes mid-command
        // stoptime 1 s; the deadline is far from it so a loaded machine does not fail the test.
        const stopped = await waitState(daemon, name, ["STOPPED"], 30_000);
        stopTimes.push(performance.now() - t0);
        assert.equal(stopped.pid, null);
        const again = await daemon.call("start", { names: [name] });
        assert(again.ok, JSON.stringify(again));
      }));
      reps += N;
    }
    for (let i = 0; i < N; i++) await waitState(daemon, `stubborn:${i}`, ["RUNNING"]);
    let fdsNow = 0;
    const fdsAfter = await waitFor(() => {
      fdsNow = fdCount(daemon.child.pid);
      return fdsNow <= fdsBefore + 4 ? fdsNow : null;
    }, { what: `fds back to ${fdsBefore}+4`, timeoutMs: 5000 }).catch(() => {
      console.log(
        `F14: fds ${fdsBefore} → ${fdsNow}:\n  before ${kindsBefore}\n  after  ${
          fdKinds(daemon.child.pid)
        }`,
      );
      return fdsNow;
    });
    const fatal = daemon.lines.filter((l) => /ERROR|uncaught|unhandled/i.test(l));
    console.log(
      `F14: ${reps}/${reps} cut-off stops completed (seed ${seed}), stop→STOPPED ` +
        `${(Math.min(...stopTimes) / 1000).toFixed(2)}–${
          (Math.max(...stopTimes) / 1000).toFixed(2)
        } s ` +
        `(stoptime 1), daemon alive, fds ${fdsBefore} → ${fdsAfter}, ${fatal.length} error lines`,
    );
    assert((await daemon.call("version", {})).ok);
    assert.deepEqual(fatal, []);
    assert(fdsAfter <= fdsBefore + 4, `fds ${fdsBefore} → ${fdsAfter}`);
  } finally {
    await daemon.stop();
  }
});

/** fd targets of `pid` grouped by kind ("socket", "pipe", "anon_inode:[pidfd]", path…). */
function fdKinds(pid: number): string {
  const kinds = new Map<string, number>();
  for (const entry of Deno.readDirSync(`/proc/${pid}/fd`)) {
    try {
      const kind = Deno.readLinkSync(`/proc/${pid}/fd/${entry.name}`).replace(/:\[\d+\]$/, "");
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    } catch (_e) {
      // closed meanwhile
    }
  }
  return JSON.stringify(Object.fromEntries(kinds));
}
