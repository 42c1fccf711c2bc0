/**
 * B1, B9 and L6 (docs/reliability.md) against both sockets of a real taskmasterd, the control socket
 * and the :4242 page (same HTTP server, src/http1; each test runs once per socket):
 * B1 — malformed requests (random bytes, truncated/invalid JSON, invalid UTF-8, NULs, bodies
 * over the 64 KiB cap, deep nesting, wrong field types): each answered or closed within 1 s,
 * daemon alive, RSS bounded, other clients answered meanwhile.
 * L6 — 200 concurrent controller connections each sending 50 `status`.
 * B1/B9 slowloris — 100 senders stalled inside the request head are cut off by the 10 s deadline.
 * B1 garbage — random binary (no line break) is answered 400 and closed at once, not held 10 s.
 * CI variant: 400 malformed inputs instead of 10,000; no 1-byte-per-second sender (see
 * docs/reliability.md).
 */
import assert from "node:assert/strict";
import { type DaemonHandle, startDaemon } from "../helpers/daemon_harness.ts";
import { waitFor } from "../helpers/wait_for.ts";
import { Rng } from "../fuzz/fuzz_util.ts";
import { fdCount, quantile, rssMiB } from "./lib/proc.ts";
import { httpPost, type RawOutcome, rawRequest, type RawTarget } from "./lib/raw_socket.ts";

const PROGRAMS = `programs:\n  quiet:\n    cmd: /bin/sleep 1000\n    starttime: 0\n`;

/** One of the daemon's two HTTP listeners, as the tests below reach it. */
interface Face {
  name: "control" | "web";
  target: RawTarget;
  /** A complete, valid status request (its cuts stall inside the head). */
  request: Uint8Array;
  /** One status request by an ordinary client (fetch); throws or returns false on failure. */
  status(client?: Deno.HttpClient): Promise<boolean>;
  /** A fresh fetch client with its own connection pool. */
  client(): Deno.HttpClient;
  /** Stops the daemon and releases the face's own client. */
  stop(): Promise<void>;
}

const FACES = ["control", "web"] as const;

/** Starts a daemon serving `face` (the page on a free loopback port for "web"). */
async function startFor(name: Face["name"]): Promise<{ daemon: DaemonHandle; face: Face }> {
  const http = name === "web" ? "{ host: 127.0.0.1, port: 0 }" : "false";
  const daemon = await startDaemon(`taskmaster:\n  http: ${http}\n${PROGRAMS}`);
  try {
    await waitFor(async () => (await daemon.call("status", {})).ok, { what: "first status" });
    if (name === "control") {
      return {
        daemon,
        face: {
          name,
          target: daemon.socket,
          request: httpPost("status", new TextEncoder().encode(`{"names":["quiet"]}`)),
          async status(client) {
            if (client === undefined) return (await daemon.call("status", {})).ok;
            const response = await fetch("http://localhost/v1/status", {
              method: "POST",
              body: "{}",
              client,
              signal: AbortSignal.timeout(5000),
            });
            return (await response.json()).ok === true;
          },
          client: () =>
            Deno.createHttpClient({ proxy: { transport: "unix", path: daemon.socket } }),
          stop: () => daemon.stop(),
        },
      };
    }
    const url = await waitFor(async () => {
      const info = await daemon.call("info", {});
      return (info.result as { httpUrl?: string | null } | undefined)?.httpUrl ?? null;
    }, { what: "web URL" });
    const { hostname, port } = new URL(url);
    const shared = Deno.createHttpClient({});
    return {
      daemon,
      face: {
        name,
        target: { hostname, port: Number(port) },
        request: new TextEncoder().encode(
          `GET /api/status HTTP/1.1\r\nHost: ${hostname}:${port}\r\nAccept: application/json\r\n\r\n`,
        ),
        async status(client) {
          const response = await fetch(`${url}/api/status`, {
            client: client ?? shared,
            signal: AbortSignal.timeout(5000),
          });
          return response.ok && Array.isArray(await response.json());
        },
        client: () => Deno.createHttpClient({}),
        async stop() {
          shared.close();
          await daemon.stop();
        },
      },
    };
  } catch (error) {
    await daemon.stop();
    throw error;
  }
}

/** Runs a 20 requests/s `status` probe on `face` until `stop()`; returns the latencies (ms). */
function probe(
  face: Face,
): { stop(): Promise<{ latencies: number[]; failures: string[] }> } {
  const latencies: number[] = [];
  const failures: string[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const tick = performance.now();
      try {
        if (!(await face.status())) failures.push("status refused");
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

for (const name of FACES) {
  const on = name === "control" ? "the control socket" : "the :4242 page";

  Deno.test(`B1 (${name}): malformed requests to ${on} are answered or closed within 1 s; daemon unharmed`, async () => {
    const { daemon, face } = await startFor(name);
    try {
      const pid = daemon.child.pid;
      const rssBefore = rssMiB(pid);
      const seed = Number(Deno.env.get("FUZZ_SEED") ?? Date.now() % 100_000);
      const inputs = malformedInputs(new Rng(seed), 400);
      const probeRun = probe(face);
      const outcomes: (RawOutcome & { label: string })[] = [];
      // 8 at a time: parallel enough to stress, bounded so the 2-core box stays fair to the probe.
      for (let i = 0; i < inputs.length; i += 8) {
        const batch = inputs.slice(i, i + 8);
        // The sender hangs up its side after writing (a truncated request is a client that
        // died); senders that just stall are the slow-sender test below.
        const results = await Promise.all(
          batch.map(([, bytes]) => rawRequest(face.target, bytes, { closeWrite: true })),
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
        `B1 (${name}): ${outcomes.length} inputs (seed ${seed}): ${answered} answered, ` +
          `${outcomes.length - answered - hung.length} closed, ${hung.length} hung; ` +
          `max ${Math.max(...outcomes.map((o) => o.ms)).toFixed(0)} ms; RSS +${
            rssGrowth.toFixed(1)
          } MB; other client p99 = ${p99.toFixed(1)} ms over ${latencies.length} calls`,
      );
      const hungKinds = new Map<string, number>();
      for (const o of hung) hungKinds.set(o.label, (hungKinds.get(o.label) ?? 0) + 1);
      assert.deepEqual(Object.fromEntries(hungKinds), {}, "requests left hanging");
      assert.deepEqual(fiveHundreds.map((o) => `${o.label} ${o.status}`), []);
      // The control API reads (and caps) every body; the page refuses /v1/… (Host, route)
      // before reading one, so there an over-cap body is answered 4xx or cut, never 2xx.
      for (const o of oversize) {
        if (name === "control") {
          assert(o.kind === "closed" || o.status === 413, `oversize answered ${o.status}`);
        } else {
          assert(o.kind === "closed" || (o.status ?? 0) >= 400, `oversize answered ${o.status}`);
        }
      }
      assert.deepEqual(failures, [], "the probe client was refused");
      assert(await face.status(), "daemon stopped answering");
      // Latency depends on the machine's load: reported against the target, not asserted.
      console.log(
        `B1 (${name}) target: other clients' p99 ≤ 100 ms ${p99 <= 100 ? "met" : "MISSED"}`,
      );
      // The B1 target is +20 MB; what is measured right after the burst includes garbage
      // the GC has not returned yet (10 MB bodies, 400 connections), so only a leak (200 MB)
      // fails the test and the target is reported, as for the other timing/memory rows.
      console.log(`B1 (${name}) target: RSS growth ≤ 20 MB ${rssGrowth <= 20 ? "met" : "MISSED"}`);
      assert(rssGrowth <= 200, `RSS grew ${rssGrowth.toFixed(1)} MB (leak guard 200 MB)`);
    } finally {
      await face.stop();
    }
  });

  Deno.test(`B1 (${name}): random binary to ${on} is answered 400 and closed at once`, async () => {
    // Before the request line was judged as it arrived, 4 KiB without a line break held the
    // connection for the whole 10 s head deadline. The deadline here (1 s) is the generous
    // bound on the event "400, then closed by the daemon"; the figure is printed.
    const { daemon, face } = await startFor(name);
    try {
      const pid = daemon.child.pid;
      const fdsBefore = fdCount(pid);
      const rng = new Rng(Number(Deno.env.get("FUZZ_SEED") ?? 4242));
      const outcomes: RawOutcome[] = [];
      for (let i = 0; i < 50; i++) {
        const garbage = Uint8Array.from({ length: 4096 }, () => rng.int(256));
        // No line break anywhere: nothing for a line-based parser to wait for but the deadline.
        for (let k = 0; k < garbage.length; k++) if (garbage[k] === 0x0a) garbage[k] = 0x0b;
        // The sender keeps its side open: only the daemon can end the exchange.
        outcomes.push(await rawRequest(face.target, garbage, { awaitClose: true }));
      }
      const slowest = Math.max(...outcomes.map((o) => o.ms));
      console.log(
        `B1 garbage (${name}): ${outcomes.length} × 4 KiB → ` +
          `${[...new Set(outcomes.map((o) => `${o.kind} ${o.status ?? ""}`))].join(", ")}; ` +
          `p50 ${quantile(outcomes.map((o) => o.ms), 0.5).toFixed(1)} ms, slowest ` +
          `${slowest.toFixed(1)} ms`,
      );
      for (const o of outcomes) {
        assert.equal(o.kind, "answered", `not answered and closed within 1 s (${o.kind})`);
        assert.equal(o.status, 400);
      }
      await waitFor(() => fdCount(pid) <= fdsBefore + 2, {
        timeoutMs: 5000,
        what: `fds back to ${fdsBefore}+2`,
      });
      assert(await face.status());
    } finally {
      await face.stop();
    }
  });

  // Only the control API reads request bodies; the page has no route that takes a large one.
  if (name === "control") {
    Deno.test(`B1 (${name}): a sender stalled inside its body is answered 400 by the 10 s body timeout`, async () => {
      const { face } = await startFor(name);
      try {
        const full = face.request;
        const outcome = await rawRequest(face.target, full.slice(0, full.length - 5), {
          deadlineMs: 12_000,
        });
        console.log(
          `B1 body stall: ${outcome.kind} ${outcome.status} after ${outcome.ms.toFixed(0)} ms`,
        );
        assert.equal(outcome.kind, "answered");
        assert.equal(outcome.status, 400);
        assert(await face.status());
      } finally {
        await face.stop();
      }
    });
  }

  Deno.test(`B1/B9 (${name}): senders stalled inside the request line or headers of ${on} are cut off by the head deadline`, async () => {
    // 10 s head deadline (src/http1/server.ts); 100 slowloris connections at once, plus the
    // two cuts of the original finding (inside the request line, inside the headers).
    const { daemon, face } = await startFor(name);
    try {
      const pid = daemon.child.pid;
      const fdsBefore = fdCount(pid);
      const full = face.request;
      assert(full.length > 64, "every cut below stays inside the head");
      const cuts = [10, 40, ...Array.from({ length: 98 }, (_, i) => 1 + (i % 60))];
      const stalled = Promise.all(
        cuts.map((cut) => rawRequest(face.target, full.slice(0, cut), { deadlineMs: 15_000 })),
      );
      // Meanwhile the daemon keeps answering others.
      const during = await face.status();
      const outcomes = await stalled;
      const slowest = Math.max(...outcomes.map((o) => o.ms));
      const kinds = new Set(outcomes.map((o) => `${o.kind} ${o.status ?? ""}`.trim()));
      const fdsAfter = await waitFor(() => {
        const n = fdCount(pid);
        return n <= fdsBefore + 2 ? n : null;
      }, { timeoutMs: 5000, what: `fds back to ${fdsBefore}+2 (now ${fdCount(pid)})` });
      console.log(
        `B1 header stall (${name}): ${outcomes.length} senders → ${[...kinds].join(", ")}; ` +
          `slowest ${slowest.toFixed(0)} ms; fds ${fdsBefore} → ${fdsAfter}`,
      );
      assert(during, "status refused while slow senders were connected");
      for (const o of outcomes) {
        assert.notEqual(o.kind, "hung");
        assert(o.kind === "closed" || o.status === 408, `answered ${o.status}`);
        // Generous upper bound (a loaded box delays the timer), strict lower bound (never early).
        assert(o.ms <= 30_000, `cut off after ${o.ms.toFixed(0)} ms (deadline 10 s)`);
        assert(o.ms >= 9_000, `cut off early, after ${o.ms.toFixed(0)} ms`);
      }
      assert(await face.status());
    } finally {
      await face.stop();
    }
  });

  Deno.test(`L6 (${name}): 200 concurrent connections to ${on} × 50 status are all answered`, async () => {
    const { daemon, face } = await startFor(name);
    try {
      const pid = daemon.child.pid;
      const fdsBefore = fdCount(pid);
      const latencies: number[] = [];
      let refused = 0;
      let failed = 0;
      const started = performance.now();
      await Promise.all(Array.from({ length: 200 }, async () => {
        const client = face.client();
        try {
          for (let k = 0; k < 50; k++) {
            const t = performance.now();
            try {
              if (!(await face.status(client))) refused++;
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
        `L6 (${name}): 10000 status over 200 connections in ${totalS.toFixed(1)} s: ` +
          `${failed} failed, ${refused} refused; p50 ${quantile(latencies, 0.5).toFixed(0)} ms, ` +
          `p99 ${p99.toFixed(0)} ms, max ${max.toFixed(0)} ms; fds ${fdsBefore} → ${fdsAfter}`,
      );
      assert.equal(failed, 0, "requests failed or hung (5 s)");
      assert.equal(refused, 0, "requests refused");
      assert(await face.status());
      // Threshold "answered within 1 s" is per request; on 2 cores with 200 clients queued, the
      // documented criterion is checked on p99 and the figure recorded for max.
      console.log(`L6 (${name}) target: p99 ≤ 1 s ${p99 <= 1000 ? "met" : "MISSED"}`);
    } finally {
      await face.stop();
    }
  });
}
