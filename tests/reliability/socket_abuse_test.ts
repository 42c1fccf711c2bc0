/**
 * B1 and L6 (docs/reliability.md) against the control socket of a real taskmasterd:
 * B1 — malformed requests (random bytes, truncated/invalid JSON, invalid UTF-8, NULs, bodies
 * over the 64 KiB cap, deep nesting, wrong field types): each answered or closed within 1 s,
 * daemon alive, RSS bounded, other clients answered meanwhile.
 * L6 — 200 concurrent controller connections each sending 50 `status`.
 * B1/B9 slowloris — 100 senders stalled inside the request head are cut off by the 10 s deadline.
 * CI variant: 400 malformed inputs instead of 10,000; no 1-byte-per-second sender (see
 * docs/reliability.md).
 */
import assert from "node:assert/strict";
import { type DaemonHandle, startDaemon } from "../helpers/daemon_harness.ts";
import { waitFor } from "../helpers/wait_for.ts";
import { Rng } from "../fuzz/fuzz_util.ts";
import { fdCount, quantile, rssMiB } from "./lib/proc.ts";
import { httpPost, type RawOutcome, rawRequest } from "./lib/raw_socket.ts";

const CONFIG = `taskmaster:\n  http: false\nprograms:\n  quiet:\n    cmd: /bin/sleep 1000\n` +
  `    starttime: 0\n`;

/** Runs a 20 requests/s `status` probe until `stop()`; returns the latencies (ms). */
function probe(
  daemon: DaemonHandle,
): { stop(): Promise<{ latencies: number[]; failures: string[] }> } {
  const latencies: number[] = [];
  const failures: string[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const tick = performance.now();
      try {
        const reply = await daemon.call("status", {});
        if (!reply.ok) failures.push(JSON.stringify(reply));
      } catch (error) {
        failures.push(String(error));
      }
      latencies.push(performance.now() - tick);
      const wait = Math.max(0, 50 - (performance.now() - tick));
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { latencies, failures };
    },
  };
}

function malformedInputs(rng: Rng, count: number): [string, Uint8Array][] {
  const enc = new TextEncoder();
  const out: [string, Uint8Array][] = [];
  const kinds = [
    "random",
    "truncated",
    "badjson",
    "utf8",
    "nul",
    "oversize",
    "nesting",
    "types",
    "headers",
  ];
  for (let i = 0; i < count; i++) {
    const kind = kinds[i % kinds.length] ?? "random";
    let bytes: Uint8Array;
    switch (kind) {
      case "random":
        bytes = Uint8Array.from({ length: 1 + rng.int(2000) }, () => rng.int(256));
        break;
      case "truncated": {
        const full = httpPost("status", enc.encode(`{"names":["quiet"]}`));
        bytes = full.slice(0, rng.int(full.length));
        break;
      }
      case "badjson":
        bytes = httpPost(
          rng.pick(["status", "start", "stop", "tail", "signal"]),
          enc.encode(rng.pick([`{`, `{"names":`, `{"names":[}`, `nul`, `[]`, `"x"`, `{"a":1}}`])),
        );
        break;
      case "utf8":
        bytes = httpPost(
          "status",
          new Uint8Array([0x7b, 0x22, 0xc0, 0xff, 0xed, 0xa0, 0x80, 0x22, 0x7d]),
        );
        break;
      case "nul":
        bytes = httpPost("status\0", enc.encode(`{"names":["qu\u0000iet"]}\0`));
        break;
      case "oversize": {
        const size = rng.pick([64 * 1024 + 1, 1024 * 1024, 10 * 1024 * 1024]);
        bytes = httpPost("status", new Uint8Array(size).fill(0x20));
        break;
      }
      case "nesting": {
        const depth = rng.pick([1000, 30_000, 60_000]);
        bytes = httpPost("status", enc.encode(`{"names":${"[".repeat(depth)}}`));
        break;
      }
      case "types":
        bytes = httpPost(
          rng.pick(["start", "signal", "tail", "stdin", "log", "reload"]),
          enc.encode(rng.pick([
            `{"names":"quiet"}`,
            `{"names":[1,2]}`,
            `{"signal":9,"names":["quiet"]}`,
            `{"name":["quiet"]}`,
            `{"lines":-1}`,
            `{"dryRun":"yes"}`,
            `{"name":"quiet","data":"!!!"}`,
          ])),
        );
        break;
      default:
        // Header abuse: lying Content-Length, chunked garbage, huge header line.
        bytes = enc.encode(rng.pick([
          `POST /v1/status HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n{}`,
          `POST /v1/status HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n`,
          `POST /v1/status HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(200_000)}\r\n\r\n`,
          `GET /${"a".repeat(100_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
          `POST /v1/status HTTP/9.9\r\n\r\n`,
        ]));
    }
    out.push([kind, bytes]);
  }
  return out;
}

Deno.test("B1: malformed control requests are answered or closed within 1 s; daemon unharmed", async () => {
  const daemon = await startDaemon(CONFIG);
  try {
    const pid = daemon.child.pid;
    await waitFor(async () => (await daemon.call("status", {})).ok, { what: "first status" });
    const rssBefore = rssMiB(pid);
    const seed = Number(Deno.env.get("FUZZ_SEED") ?? Date.now() % 100_000);
    const inputs = malformedInputs(new Rng(seed), 400);
    const probeRun = probe(daemon);
    const outcomes: (RawOutcome & { label: string })[] = [];
    // 8 at a time: parallel enough to stress, bounded so the 2-core box stays fair to the probe.
    for (let i = 0; i < inputs.length; i += 8) {
      const batch = inputs.slice(i, i + 8);
      // The sender hangs up its side after writing (a truncated request is a client that died);
      // senders that just stall are the slow-sender test below.
      const results = await Promise.all(
        batch.map(([, bytes]) => rawRequest(daemon.socket, bytes, { closeWrite: true })),
      );
      results.forEach((r, k) => outcomes.push({ ...r, label: batch[k]?.[0] ?? "?" }));
    }
    const { latencies, failures } = await probeRun.stop();
    const rssGrowth = rssMiB(pid) - rssBefore;
    const hung = outcomes.filter((o) => o.kind === "hung" || o.kind === "refused");
    const fiveHundreds = outcomes.filter((o) => o.status !== null && o.status >= 500);
    const oversize = outcomes.filter((o) => o.label === "oversize");
    const answered = outcomes.filter((o) => o.kind === "answered").length;
    const p99 = quantile(latencies, 0.99);
    console.log(
      `B1: ${outcomes.length} inputs (seed ${seed}): ${answered} answered, ` +
        `${outcomes.length - answered - hung.length} closed, ${hung.length} hung; ` +
        `max ${Math.max(...outcomes.map((o) => o.ms)).toFixed(0)} ms; RSS +${
          rssGrowth.toFixed(1)
        } MB; ` +
        `other client p99 = ${p99.toFixed(1)} ms over ${latencies.length} calls`,
    );
    const hungKinds = new Map<string, number>();
    for (const o of hung) hungKinds.set(o.label, (hungKinds.get(o.label) ?? 0) + 1);
    assert.deepEqual(Object.fromEntries(hungKinds), {}, "requests left hanging");
    assert.deepEqual(fiveHundreds.map((o) => `${o.label} ${o.status}`), []);
    for (const o of oversize) {
      assert(o.kind === "closed" || o.status === 413, `oversize answered ${o.status}`);
    }
    assert.deepEqual(failures, [], "the probe client was refused");
    assert((await daemon.call("status", {})).ok, "daemon stopped answering");
    assert(p99 <= 100, `other clients' p99 ${p99.toFixed(1)} ms > 100 ms`);
    // The B1 target is +20 MB; what is measured right after the burst includes garbage
    // the GC has not returned yet (10 MB bodies, 400 connections), so the guard that fails the
    // test is looser and the target is reported, as for the other timing/memory rows.
    console.log(`B1 target: RSS growth ≤ 20 MB ${rssGrowth <= 20 ? "met" : "MISSED"}`);
    assert(rssGrowth <= 40, `RSS grew ${rssGrowth.toFixed(1)} MB (guard 40 MB)`);
  } finally {
    await daemon.stop();
  }
});

Deno.test("B1: a sender stalled inside its body is answered 400 by the 10 s body timeout", async () => {
  const daemon = await startDaemon(CONFIG);
  try {
    await waitFor(async () => (await daemon.call("status", {})).ok, { what: "first status" });
    const full = httpPost("status", new TextEncoder().encode(`{"names":["quiet"]}`));
    const outcome = await rawRequest(daemon.socket, full.slice(0, full.length - 5), {
      deadlineMs: 12_000,
    });
    console.log(
      `B1 body stall: ${outcome.kind} ${outcome.status} after ${outcome.ms.toFixed(0)} ms`,
    );
    assert.equal(outcome.kind, "answered");
    assert.equal(outcome.status, 400);
    assert((await daemon.call("status", {})).ok);
  } finally {
    await daemon.stop();
  }
});

Deno.test("B1/B9: senders stalled inside the request line or headers are cut off by the head deadline", async () => {
  // 10 s head deadline (src/http1/server.ts); 100 slowloris connections at once, plus the
  // two cuts of the original finding (inside the request line, inside the headers).
  const daemon = await startDaemon(CONFIG);
  try {
    const pid = daemon.child.pid;
    await waitFor(async () => (await daemon.call("status", {})).ok, { what: "first status" });
    const fdsBefore = fdCount(pid);
    const full = httpPost("status", new TextEncoder().encode(`{"names":["quiet"]}`));
    const cuts = [10, 40, ...Array.from({ length: 98 }, (_, i) => 1 + (i % 60))];
    const stalled = Promise.all(
      cuts.map((cut) => rawRequest(daemon.socket, full.slice(0, cut), { deadlineMs: 15_000 })),
    );
    // Meanwhile the daemon keeps answering others.
    const during = await daemon.call("status", {});
    const outcomes = await stalled;
    const slowest = Math.max(...outcomes.map((o) => o.ms));
    const kinds = new Set(outcomes.map((o) => `${o.kind} ${o.status ?? ""}`.trim()));
    const fdsAfter = await waitFor(() => {
      const n = fdCount(pid);
      return n <= fdsBefore + 2 ? n : null;
    }, { timeoutMs: 5000, what: `fds back to ${fdsBefore}+2 (now ${fdCount(pid)})` });
    console.log(
      `B1 header stall: ${outcomes.length} senders → ${[...kinds].join(", ")}; slowest ` +
        `${slowest.toFixed(0)} ms; fds ${fdsBefore} → ${fdsAfter}`,
    );
    assert(during.ok, "status refused while slow senders were connected");
    for (const o of outcomes) {
      assert.notEqual(o.kind, "hung");
      assert(o.kind === "closed" || o.status === 408, `answered ${o.status}`);
      assert(o.ms <= 11_000, `cut off after ${o.ms.toFixed(0)} ms (deadline 10 s + 1 s)`);
      assert(o.ms >= 9_000, `cut off early, after ${o.ms.toFixed(0)} ms`);
    }
    assert((await daemon.call("status", {})).ok);
  } finally {
    await daemon.stop();
  }
});

Deno.test("L6: 200 concurrent controller connections × 50 status are all answered", async () => {
  const daemon = await startDaemon(CONFIG);
  try {
    const pid = daemon.child.pid;
    await waitFor(async () => (await daemon.call("status", {})).ok, { what: "first status" });
    const fdsBefore = fdCount(pid);
    const latencies: number[] = [];
    let refused = 0;
    let failed = 0;
    const started = performance.now();
    await Promise.all(Array.from({ length: 200 }, async () => {
      const client = Deno.createHttpClient({ proxy: { transport: "unix", path: daemon.socket } });
      try {
        for (let k = 0; k < 50; k++) {
          const t = performance.now();
          try {
            const response = await fetch("http://localhost/v1/status", {
              method: "POST",
              body: "{}",
              client,
              signal: AbortSignal.timeout(5000),
            });
            const envelope = await response.json();
            if (!envelope.ok) refused++;
          } catch (_e) {
            failed++; // counted and asserted below
          }
          latencies.push(performance.now() - t);
        }
      } finally {
        client.close();
      }
    }));
    const totalS = (performance.now() - started) / 1000;
    // Connections are closed by the clients; wait for the daemon to release them.
    const fdsAfter = await waitFor(() => {
      const n = fdCount(pid);
      return n <= fdsBefore + 4 ? n : null;
    }, { timeoutMs: 10_000, what: `fds back to ${fdsBefore}+4 (now ${fdCount(pid)})` });
    const p99 = quantile(latencies, 0.99);
    const max = Math.max(...latencies);
    console.log(
      `L6: 10000 status over 200 connections in ${totalS.toFixed(1)} s: ${failed} failed, ` +
        `${refused} refused; p50 ${quantile(latencies, 0.5).toFixed(0)} ms, p99 ${
          p99.toFixed(0)
        } ms, ` +
        `max ${max.toFixed(0)} ms; fds ${fdsBefore} → ${fdsAfter}`,
    );
    assert.equal(failed, 0, "requests failed or hung (5 s)");
    assert((await daemon.call("status", {})).ok);
    // Threshold "answered within 1 s" is per request; on 2 cores with 200 clients queued, the
    // documented criterion is checked on p99 and the figure recorded for max.
    assert(p99 <= 1000, `p99 ${p99.toFixed(0)} ms > 1 s`);
  } finally {
    await daemon.stop();
  }
});
