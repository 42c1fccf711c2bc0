/**
 * W4 (docs/reliability.md) at the probe level: hostile targets for ready/health checks. A port
 * that accepts and never answers, an HTTP server that stalls mid-head or mid-body, an exec check
 * that forks a grandchild and sleeps, a name that does not resolve, a catastrophic regex on a
 * 64 KiB line. Every probe must settle by its timeout (the promise settling at all is the
 * assertion; durations are printed, not asserted), leave 0 processes in its groups, and keep the
 * event loop responsive (lag printed). Loopback only: nothing leaves the machine.
 */
import assert from "node:assert/strict";
import {
  createLineMatcher,
  LOG_LINE_CAP,
  logPatternProblem,
} from "../../src/config/log_pattern.ts";
import { realProbeOs } from "../../src/checks/os.ts";
import { runProbe } from "../../src/checks/run.ts";
import type { ExecIdentity, ProbeOs, ProbeResult } from "../../src/checks/types.ts";
import type { CheckTarget } from "../../src/config/types.ts";
import { systemClock } from "../../src/clock.ts";
import { denoSpawner, type Spawner } from "../../src/process/spawner.ts";
import { allProcs, quantile } from "./lib/proc.ts";

const TIMEOUT_MS = 1000;

/** A listener that accepts and holds connections, optionally writing `greeting` first. */
function stallServer(
  greeting: string | null,
): { port: number; stop: () => void; peers: Deno.Conn[] } {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const peers: Deno.Conn[] = [];
  (async () => {
    for await (const conn of listener) {
      peers.push(conn);
      if (greeting !== null) conn.write(new TextEncoder().encode(greeting)).catch(() => {});
    }
  })().catch(() => {});
  return {
    port: (listener.addr as Deno.NetAddr).port,
    peers,
    stop: () => {
      try {
        listener.close();
      } catch { /* closed already */ }
      for (const conn of peers) {
        try {
          conn.close();
        } catch { /* closed already */ }
      }
    },
  };
}

/**
 * A loopback listener that never accepts, with a backlog of 0: once its queue holds one
 * connection, further SYNs are dropped and a connect hangs as it would towards a firewalled
 * host, without a packet leaving the machine. Runs in python3 (Deno.listen has no backlog).
 */
async function synDropServer(): Promise<{ port: number; stop: () => Promise<void> }> {
  const child = new Deno.Command("python3", {
    args: [
      "-c",
      [
        "import socket, time",
        "s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(0)",
        "print(s.getsockname()[1], flush=True)",
        "time.sleep(600)",
      ].join("\n"),
    ],
    stdout: "piped",
  }).spawn();
  const reader = child.stdout.getReader();
  const port = Number(new TextDecoder().decode((await reader.read()).value).trim());
  reader.releaseLock();
  // Fill the queue: this first connection completes and is held until the end.
  const filler = await Deno.connect({ hostname: "127.0.0.1", port });
  return {
    port,
    stop: async () => {
      try {
        filler.close();
        child.kill("SIGKILL");
      } catch { /* stopped already */ }
      await child.stdout.cancel().catch(() => {});
      await child.status;
    },
  };
}

/** Open fds of this process. */
function ownFds(): number {
  return [...Deno.readDirSync("/proc/self/fd")].length;
}

/** Samples event-loop lag every 10 ms until stopped. */
function lagSampler(): () => number[] {
  const lags: number[] = [];
  let last = performance.now();
  const id = setInterval(() => {
    const now = performance.now();
    lags.push(Math.max(0, now - last - 10));
    last = now;
  }, 10);
  return () => {
    clearInterval(id);
    return lags;
  };
}

Deno.test("W4: hostile probe targets all end by their timeout and leave nothing behind", async () => {
  const fdsBefore = ownFds();
  const silent = stallServer(null);
  const halfHead = stallServer("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n");
  const halfBody = stallServer("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial");
  const synDrop = await synDropServer();
  const dir = Deno.makeTempDirSync({ prefix: "tm-w4-" });
  const leaders: number[] = [];
  const recording: Spawner = {
    ...denoSpawner,
    spawn(request) {
      const child = denoSpawner.spawn(request);
      leaders.push(child.pid);
      return child;
    },
  };
  const os: ProbeOs = { ...realProbeOs, spawner: recording };
  const exec: ExecIdentity = {
    spec: (await import("../helpers/specs.ts")).makeSpec({ name: "w4" }),
    processName: "w4",
    index: 0,
    secretEnv: [],
  };
  const http = (url: string) => ({ kind: "http", url, status: null, tlsverify: true }) as const;
  const cases: [string, CheckTarget][] = [
    ["tcp: accepts, never answers", { kind: "tcp", host: "127.0.0.1", port: String(silent.port) }],
    ["http: accepts, never answers", http(`http://127.0.0.1:${silent.port}/`)],
    ["http: head sent halfway, stalls", http(`http://127.0.0.1:${halfHead.port}/`)],
    ["http: head complete, body stalls", http(`http://127.0.0.1:${halfBody.port}/`)],
    ["exec: forks a grandchild, sleeps", {
      kind: "exec",
      argv: ["/bin/sh", "-c", `sleep 300 & echo $! > ${dir}/grandchild; sleep 300`],
    }],
    ["tcp: name that does not resolve", { kind: "tcp", host: "taskmaster-w4.invalid", port: "80" }],
    ["http: name that does not resolve", http("http://taskmaster-w4.invalid/")],
    ["tcp: 127.0.0.2:1 (loopback, closed)", { kind: "tcp", host: "127.0.0.2", port: "1" }],
    ["tcp: SYNs dropped (queue full)", {
      kind: "tcp",
      host: "127.0.0.1",
      port: String(synDrop.port),
    }],
    ["http: SYNs dropped (queue full)", http(`http://127.0.0.1:${synDrop.port}/`)],
  ];
  // Warm-up: the first http and exec probes load node:http and the spawn path once; that
  // one-off cost is not what this row measures.
  await runProbe(http(`http://127.0.0.1:${halfBody.port}/`), TIMEOUT_MS, {
    clock: systemClock,
    os,
    exec,
  });
  await runProbe({ kind: "exec", argv: ["/bin/true"] }, TIMEOUT_MS, {
    clock: systemClock,
    os,
    exec,
  });
  const stopLag = lagSampler();
  try {
    const outcomes = await Promise.all(cases.map(async ([name, target]) => {
      const t0 = performance.now();
      const result: ProbeResult = await runProbe(target, TIMEOUT_MS, {
        clock: systemClock,
        os,
        exec,
      });
      return { name, result, ms: performance.now() - t0 };
    }));
    const lags = stopLag();
    for (const { name, result, ms } of outcomes) {
      console.log(
        `W4 ${name.padEnd(36)} ${result.ok ? "pass" : "fail"} in ${
          ms.toFixed(0).padStart(4)
        } ms: ${result.message}`,
      );
    }
    const byName = new Map(outcomes.map((o) => [o.name, o.result]));
    assert.equal(byName.get("tcp: accepts, never answers")?.ok, true, "accepting is ready for tcp");
    assert.equal(byName.get("http: accepts, never answers")?.message, "timeout after 1s");
    assert.equal(byName.get("http: head sent halfway, stalls")?.message, "timeout after 1s");
    assert.deepEqual(byName.get("http: head complete, body stalls"), {
      ok: true,
      message: "HTTP 200",
    });
    assert.equal(byName.get("exec: forks a grandchild, sleeps")?.message, "timeout after 1s");
    assert.equal(
      byName.get("tcp: name that does not resolve")?.message,
      "connect ENOTFOUND taskmaster-w4.invalid:80",
    );
    assert.equal(byName.get("http: name that does not resolve")?.ok, false);
    assert.equal(byName.get("tcp: 127.0.0.2:1 (loopback, closed)")?.ok, false);
    assert.equal(byName.get("tcp: SYNs dropped (queue full)")?.message, "timeout after 1s");
    assert.equal(byName.get("http: SYNs dropped (queue full)")?.message, "timeout after 1s");

    // 0 leftovers: nothing alive in the exec checks' process groups, the grandchild included.
    const grandchild = Number(Deno.readTextFileSync(`${dir}/grandchild`));
    const groups = new Set(leaders);
    let left = allProcs().filter((p) => groups.has(p.pgid) || p.pid === grandchild);
    for (let i = 0; i < 50 && left.some((p) => p.state !== "Z"); i++) {
      await new Promise((r) => setTimeout(r, 20)); // SIGKILL delivery is asynchronous
      left = allProcs().filter((p) => groups.has(p.pgid) || p.pid === grandchild);
    }
    const live = left.filter((p) => p.state !== "Z");
    // Sockets of the abandoned connects and stalled requests are released: with every server
    // of this test closed, the process is back to the fds it had before.
    await synDrop.stop();
    silent.stop();
    halfHead.stop();
    halfBody.stop();
    let fdsAfter = ownFds();
    for (let i = 0; i < 50 && fdsAfter > fdsBefore; i++) {
      await new Promise((r) => setTimeout(r, 20));
      fdsAfter = ownFds();
    }
    console.log(
      `W4 fds of the probing process: ${fdsBefore} before the servers, ${fdsAfter} after`,
    );
    assert(fdsAfter <= fdsBefore, `fds grew: ${fdsBefore} -> ${fdsAfter}`);
    console.log(
      `W4 exec groups ${[...groups].join(",")}: ${live.length} live leftover(s); ` +
        `event-loop lag p99 ${quantile(lags, 0.99).toFixed(1)} ms, max ${
          Math.max(...lags).toFixed(1)
        } ms`,
    );
    assert.equal(live.length, 0, JSON.stringify(live));
  } finally {
    stopLag();
    await synDrop.stop();
    silent.stop();
    halfHead.stop();
    halfBody.stop();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("W4: a catastrophic log pattern is refused; a slow one is bounded by the line cap", () => {
  assert.match(logPatternProblem("(a+)+b") ?? "", /backtrack catastrophically/);
  assert.match(logPatternProblem("^(\\w+\\s?)*$") ?? "", /backtrack catastrophically/);
  // `a*c` unanchored is quadratic in the line length: the cap makes a 64 KiB line cost what
  // a 4 KiB one does.
  const slow = "a*c";
  assert.equal(logPatternProblem(slow), null);
  const match = createLineMatcher(slow);
  const line = "a".repeat(64 * 1024);
  const t0 = performance.now();
  assert.equal(match(line), false);
  const capped = performance.now() - t0;
  const t1 = performance.now();
  new RegExp(slow).test("a".repeat(16 * 1024));
  const uncapped16k = performance.now() - t1;
  console.log(
    `W4 log: 64 KiB line matched in ${capped.toFixed(1)} ms with the ${LOG_LINE_CAP}-char ` +
      `cap (uncapped, a 16 KiB line alone took ${uncapped16k.toFixed(1)} ms; 64 KiB ~16x that)`,
  );
  // The cap is what bounds it: a match beyond it is not seen at all.
  assert.equal(createLineMatcher("READY").call(null, "x".repeat(64 * 1024) + "READY"), false);
});
