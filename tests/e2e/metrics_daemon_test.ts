/**
 * `GET /metrics` on a real taskmasterd (docs/metrics.md): the answer parses, agrees with
 * `status` and `info`, counts a crash loop's restarts and both reload outcomes, and keeps the
 * listener's guards (foreign Host refused).
 */
import assert from "node:assert/strict";
import { FIXTURES_BIN, startDaemon } from "../helpers/daemon_harness.ts";
import { waitFor } from "../helpers/wait_for.ts";
import { type Family, parseMetrics, valueOf } from "../helpers/prometheus.ts";
import { statusOf, waitStates, webUrlOf } from "./lib/e2e_helpers.ts";

const CONFIG = `taskmaster:
  http: { host: 127.0.0.1, port: 0 }
programs:
  steady:
    cmd: ${FIXTURES_BIN}/forever
    numprocs: 2
    starttime: 0
  looper:
    cmd: ${FIXTURES_BIN}/crash_fast
    starttime: 0
    autorestart: true
    maxrestartdelay: 0
  idle:
    cmd: ${FIXTURES_BIN}/forever
    autostart: false
`;

async function scrape(url: string): Promise<{ families: Family[]; response: Response }> {
  const response = await fetch(`${url}/metrics`);
  const text = await response.text();
  assert.equal(response.status, 200, text);
  return { families: parseMetrics(text), response };
}

/** Sends one GET with the given Host over a fresh connection; answers the status line. */
async function rawGet(url: string, path: string, host: string): Promise<string> {
  const { hostname, port } = new URL(url);
  const conn = await Deno.connect({ hostname, port: Number(port) });
  try {
    const request = `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`;
    await conn.write(new TextEncoder().encode(request));
    const buffer = new Uint8Array(512);
    const n = await conn.read(buffer);
    return new TextDecoder().decode(buffer.subarray(0, n ?? 0)).split("\r\n")[0] ?? "";
  } finally {
    conn.close();
  }
}

Deno.test("e2e metrics: real daemon /metrics matches status and info, counts restarts/reloads", async () => {
  const daemon = await startDaemon(CONFIG);
  try {
    const url = await webUrlOf(daemon);
    await waitStates(daemon, { "steady:0": "RUNNING", "steady:1": "RUNNING" });
    const { families, response } = await scrape(url);
    assert.equal(response.headers.get("content-type"), "text/plain; version=0.0.4; charset=utf-8");
    console.log(`e2e metrics: ${response.headers.get("server-timing")}`);

    const info = (await daemon.call("info", {})).result as {
      version: string;
      startedAt: string;
    };
    assert.equal(valueOf(families, "taskmaster_info", { version: info.version }), 1);
    assert.equal(
      valueOf(families, "taskmaster_start_time_seconds"),
      Date.parse(info.startedAt) / 1000,
    );
    const status = await statusOf(daemon);
    for (const p of status.filter((s) => s.program === "steady")) {
      const labels = { program: "steady", process: p.name };
      assert.equal(valueOf(families, "taskmaster_process_up", labels), 1);
      assert.equal(
        valueOf(families, "taskmaster_process_state", { ...labels, state: "RUNNING" }),
        1,
      );
      // `since` is the monotonic start mapped onto the wall clock at each read, so two reads
      // may differ by a millisecond or so; a real restart would move it by far more.
      const start = valueOf(families, "taskmaster_process_start_time_seconds", labels) ?? 0;
      assert.ok(Math.abs(start - Date.parse(p.since) / 1000) < 0.05, `${start} vs ${p.since}`);
    }
    assert.equal(valueOf(families, "taskmaster_process_up", { process: "idle" }), 0);
    assert.equal(
      valueOf(families, "taskmaster_process_state", { process: "idle", state: "STOPPED" }),
      1,
    );
    assert.equal(
      valueOf(families, "taskmaster_process_start_time_seconds", { process: "idle" }),
      0,
    );

    // The crash loop's restarts show up as a growing counter.
    await waitFor(async () => {
      const { families: f } = await scrape(url);
      return (valueOf(f, "taskmaster_process_restarts_total", { process: "looper" }) ?? 0) >= 3
        ? true
        : null;
    }, { timeoutMs: 20_000, what: "looper restarts ≥ 3 in /metrics" });

    // One good reload, one refused: both counted by result.
    assert.ok((await daemon.call("reload", {})).ok);
    await daemon.writeConfig("programs: [\n");
    assert.equal((await daemon.call("reload", {})).ok, false);
    const after = (await scrape(url)).families;
    assert.equal(valueOf(after, "taskmaster_reloads_total", { result: "ok" }), 1);
    assert.equal(valueOf(after, "taskmaster_reloads_total", { result: "failed" }), 1);
    const reloads = ((await daemon.call("info", {})).result as { reloads: unknown }).reloads;
    assert.deepEqual(reloads, { ok: 1, failed: 1 });

    const head = await fetch(`${url}/metrics`, { method: "HEAD" });
    assert.equal(head.status, 200);
    assert.equal(await head.text(), "");
    // fetch() sets Host itself: a raw request is the only way to send a foreign one.
    assert.match(await rawGet(url, "/metrics", "evil.example"), /^HTTP\/1\.1 403 /);
    assert.match(await rawGet(url, "/metrics", new URL(url).host), /^HTTP\/1\.1 200 /);
  } finally {
    await daemon.stop();
  }
});
