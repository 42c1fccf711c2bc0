/**
 * L1, L7, F19 (docs/reliability.md) on a real taskmasterd.
 * L1 (CI variant: 300 children instead of 500): time to all RUNNING with starttime 1, status
 *     p99/max under a 20/s probe for 10 s, RSS, fds ≤ 4×N+64, idle CPU over 10 s ≤ 5%.
 * L7: the same kind of load (400 children) under `prlimit --nofile=1024`: the daemon stays alive
 *     and keeps accepting control connections; what cannot spawn shows EMFILE.
 * F19: `prlimit --nproc` on the daemon with a program run as nobody: the spawns past the limit
 *     fail with EAGAIN shown in status; the daemon and a root program are fine.
 */
import assert from "node:assert/strict";
import { pingSocket, startDaemon } from "../helpers/daemon_harness.ts";
import { waitFor } from "../helpers/wait_for.ts";
import { daemonConfig, statusMap } from "./lib/daemon_util.ts";
import { allProcs, fdCount, procStatus, quantile, rssMiB } from "./lib/proc.ts";
import type { ProcessStatus } from "../../src/protocol/types.ts";
import { parseProcStat } from "../../src/process/proc_stat.ts";

/** utime + stime of `pid` in clock ticks (USER_HZ = 100 on Linux). */
function cpuTicks(pid: number): number {
  const stat = parseProcStat(Deno.readTextFileSync(`/proc/${pid}/stat`));
  return (stat?.utime ?? NaN) + (stat?.stime ?? NaN);
}

const L1_N = 300;

Deno.test(`L1: ${L1_N} children: all RUNNING, status latency, RSS, fds, idle CPU`, async () => {
  const daemon = await startDaemon(daemonConfig(
    `  many:\n    cmd: /bin/sleep 3600\n    numprocs: ${L1_N}\n    starttime: 1\n` +
      `    autostart: false\n    stoptime: 2\n`,
  ));
  try {
    const pid = daemon.child.pid;
    const t0 = performance.now();
    const started = await daemon.call("start", { names: ["many"] });
    const startS = (performance.now() - t0) / 1000;
    assert(started.ok, JSON.stringify(started).slice(0, 500));
    const all = await statusMap(daemon);
    const running = [...all.values()].filter((p) => p.state === "RUNNING").length;
    const latencies: number[] = [];
    const until = performance.now() + 10_000;
    while (performance.now() < until) {
      const t = performance.now();
      await daemon.call("status", {});
      latencies.push(performance.now() - t);
      await new Promise((resolve) =>
        setTimeout(resolve, Math.max(0, 50 - (performance.now() - t)))
      );
    }
    const rss = rssMiB(pid);
    const fds = fdCount(pid);
    const c0 = cpuTicks(pid);
    const w0 = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    const cpu = (cpuTicks(pid) - c0) / 100 / ((performance.now() - w0) / 1000) * 100;
    const p99 = quantile(latencies, 0.99);
    const max = Math.max(...latencies);
    const hwm = Number(procStatus(pid).get("VmHWM")?.match(/\d+/)?.[0] ?? 0) / 1024;
    console.log(
      `L1: ${running}/${L1_N} RUNNING ${startS.toFixed(2)} s after start (starttime 1); status ` +
        `p50 ${quantile(latencies, 0.5).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ` +
        `${max.toFixed(1)} ms (${latencies.length} calls); RSS ${rss.toFixed(0)} MiB (HWM ` +
        `${hwm.toFixed(0)}); fds ${fds} (cap ${4 * L1_N + 64}); idle CPU ${cpu.toFixed(2)}%`,
    );
    console.log(
      `L1 targets: RUNNING ≤ 15 s ${startS <= 15 ? "met" : "MISSED"}; p99 ≤ 50 ms ${
        p99 <= 50 ? "met" : "MISSED"
      }; max ≤ 250 ms ${max <= 250 ? "met" : "MISSED"}; RSS ≤ 200 MB ${
        rss <= 200 ? "met" : "MISSED"
      }; idle CPU ≤ 5% ${cpu <= 5 ? "met" : "MISSED"}`,
    );
    assert.equal(running, L1_N);
    assert(fds <= 4 * L1_N + 64, `fds ${fds}`);
    // Start time and latency depend on the machine's load: printed against their targets above
    // (and measured by `deno task bench`), not asserted. Memory, fds and idle CPU are the
    // daemon's own and stay guards.
    assert(rss <= 300, `RSS ${rss.toFixed(0)} MiB (guard 300)`);
    assert(cpu <= 15, `idle CPU ${cpu.toFixed(1)}% (guard 15%)`);
  } finally {
    await daemon.stop();
  }
});

const L7_N = 400;

Deno.test(`L7: ${L7_N} children under nofile=1024: daemon answers, failures show EMFILE`, async () => {
  const daemon = await startDaemon(
    daemonConfig(
      `  many:\n    cmd: /bin/sleep 3600\n    numprocs: ${L7_N}\n    starttime: 1\n` +
        `    autostart: false\n    stoptime: 2\n    startretries: 1\n`,
    ),
    { wrap: (argv) => ["prlimit", "--nofile=1024", ...argv] },
  );
  try {
    const limit = Deno.readTextFileSync(`/proc/${daemon.pid}/limits`).match(
      /Max open files\s+(\d+)\s+(\d+)/,
    );
    const t0 = performance.now();
    const reply = await daemon.call("start", { names: ["many"] });
    const startS = (performance.now() - t0) / 1000;
    // Every process ends RUNNING or FATAL (startretries 1): nothing hangs in between.
    const settled = await waitFor(async () => {
      const reply = await daemon.call("status", {});
      const list = (reply.result ?? []) as ProcessStatus[];
      return list.every((p) => p.state === "RUNNING" || p.state === "FATAL") ? list : null;
    }, { timeoutMs: 30_000, what: "every process RUNNING or FATAL" });
    const running = settled.filter((p) => p.state === "RUNNING").length;
    const fatal = settled.filter((p) => p.state === "FATAL");
    const reasons = new Set(fatal.map((p) => p.description.replace(/\d+/g, "N")));
    // A fresh connection needs a free fd: the control socket must still accept.
    const fresh = await pingSocket(daemon.socket);
    const fds = fdCount(daemon.pid);
    console.log(
      `L7: limit ${limit?.[1]}/${limit?.[2]}; start answered ok=${reply.ok} after ` +
        `${startS.toFixed(1)} s; ${running} RUNNING, ${fatal.length} FATAL (${
          [...reasons].join(" | ").slice(0, 300)
        }); daemon fds ${fds}; fresh control connection ${fresh ? "accepted" : "REFUSED"}`,
    );
    assert(fresh, "a new control connection failed under the fd limit");
    assert((await daemon.call("version", {})).ok);
    assert(running + fatal.length === L7_N);
    for (const p of fatal) {
      assert.match(p.description, /too many open files|EMFILE|os error 24/i, p.description);
    }
  } finally {
    await daemon.stop();
  }
});

Deno.test("F19: nproc limit on the daemon: nobody's spawns past it show EAGAIN, daemon fine", async () => {
  const nobodyNow = allProcs().filter((p) => {
    try {
      return procStatus(p.pid).get("Uid")?.split(/\s+/)[1] === "65534";
    } catch (_e) {
      return false; // gone meanwhile
    }
  }).length;
  const limit = nobodyNow + 3;
  const daemon = await startDaemon(
    daemonConfig(
      `  capped:\n    cmd: /bin/sleep 1000\n    numprocs: 5\n    uid: nobody\n` +
        `    workingdir: /tmp\n    starttime: 0\n    startretries: 1\n` +
        `  rootprog:\n    cmd: /bin/sleep 1000\n    starttime: 0\n`,
    ),
    { wrap: (argv) => ["prlimit", `--nproc=${limit}`, ...argv] },
  );
  try {
    const settled = await waitFor(async () => {
      const m = await statusMap(daemon);
      const capped = [...m.values()].filter((p) => p.name.startsWith("capped"));
      return capped.every((p) => p.state === "RUNNING" || p.state === "FATAL") &&
          m.get("rootprog")?.state === "RUNNING"
        ? m
        : null;
    }, { timeoutMs: 15_000, what: "capped settled" });
    const capped = [...settled.values()].filter((p) => p.name.startsWith("capped"));
    const failed = capped.filter((p) => p.state === "FATAL");
    console.log(
      `F19: nproc ${limit} (nobody had ${nobodyNow}); capped: ${
        capped.length - failed.length
      } RUNNING, ${failed.length} FATAL "${failed[0]?.description ?? ""}"; rootprog ` +
        `${settled.get("rootprog")?.state}; daemon answering`,
    );
    assert((await daemon.call("version", {})).ok);
    assert.equal(settled.get("rootprog")?.state, "RUNNING");
    assert(failed.length >= 1, "no spawn hit the nproc limit");
    for (const p of failed) {
      assert.match(p.description, /resource temporarily unavailable|EAGAIN|os error 11/i);
    }
  } finally {
    await daemon.stop();
  }
});
