/**
 * The control socket's own HTTP/1.1 server (src/http1/server.ts) over a real unix socket,
 * with short timeouts: head deadline, idle timeout, caps (431/414/411/400), keep-alive and
 * pipelining, HTTP/1.0, 100-continue, eviction at the connection bound, hang-up releasing streams.
 */
import { assert, assertEquals, assertMatch } from "../control/asserts.ts";
import { createControlHandler } from "../../../src/control/handler.ts";
import { type Http1Options, serveHttp1 } from "../../../src/http1/server.ts";
import { controlScenario } from "../../helpers/fake_scenarios.ts";
import { waitFor } from "../../helpers/wait_for.ts";

const enc = new TextEncoder();

async function withServer(
  options: Http1Options,
  fn: (path: string, server: ReturnType<typeof serveHttp1>) => Promise<void>,
  api = controlScenario(),
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "tm-http1-" });
  const path = `${dir}/s`;
  const errors: unknown[] = [];
  const server = serveHttp1(
    Deno.listen({ transport: "unix", path }),
    createControlHandler(api),
    { onError: (e) => errors.push(e), ...options },
  );
  try {
    await fn(path, server);
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
  assertEquals(errors.map(String), [], "onError");
}

/** Sends `text` on a fresh connection and reads until the server closes it (or `ms` pass). */
async function exchange(
  path: string,
  text: string,
  ms = 3000,
): Promise<{ reply: string; ms: number; closed: boolean }> {
  const started = performance.now();
  const conn = await Deno.connect({ transport: "unix", path });
  const timer = setTimeout(() => conn.close(), ms);
  let reply = "";
  let closed = false;
  try {
    if (text !== "") await conn.write(enc.encode(text));
    const buf = new Uint8Array(65536);
    while (true) {
      const n = await conn.read(buf);
      if (n === null) {
        closed = true;
        break;
      }
      reply += new TextDecoder().decode(buf.subarray(0, n));
    }
  } catch (_e) {
    // closed by our own timer: `closed` stays false
  } finally {
    clearTimeout(timer);
    try {
      conn.close();
    } catch (_e) {
      // already closed by the timer
    }
  }
  return { reply, ms: performance.now() - started, closed };
}

const STATUS = "POST /v1/status HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}";

Deno.test("a stalled request head gets 408 and is closed at the deadline; silence just closes", async () => {
  await withServer({ headerTimeoutMs: 300 }, async (path, server) => {
    const [partial, silent] = await Promise.all([
      exchange(path, "POST /v1/st"),
      exchange(path, ""),
    ]);
    assertMatch(partial.reply, /^HTTP\/1\.1 408 /);
    assert(partial.closed && silent.closed, "connections left open");
    assertEquals(silent.reply, "");
    for (const o of [partial, silent]) assert(o.ms >= 250 && o.ms < 1300, `${o.ms} ms`);
    await waitFor(() => server.connections === 0, { what: "connections released" });
  });
});

Deno.test("kept-alive connections serve several (pipelined) requests, then idle out", async () => {
  await withServer({ idleTimeoutMs: 300, headerTimeoutMs: 5000 }, async (path, server) => {
    const out = await exchange(path, STATUS + STATUS);
    assertEquals(out.reply.match(/HTTP\/1\.1 200 OK/g)?.length, 2);
    assert(out.closed && out.ms < 1500, `idle connection not closed (${out.ms} ms)`);
    // A fetch client reuses its connection; the server drops it once idle.
    const client = Deno.createHttpClient({ proxy: { transport: "unix", path } });
    try {
      for (let i = 0; i < 3; i++) {
        const res = await fetch("http://x/v1/status", { client, method: "POST", body: "{}" });
        assertEquals((await res.json()).ok, true);
      }
      assertEquals(server.connections, 1);
      await waitFor(() => server.connections === 0, { what: "idle connection closed" });
      const res = await fetch("http://x/v1/version", { client, method: "POST", body: "{}" });
      assertEquals(res.status, 200, "a pooled connection closed by the server is replaced");
      await res.body?.cancel();
    } finally {
      client.close();
    }
  });
});

Deno.test("heads over the caps and unsupported framings are refused with 4xx and closed", async () => {
  await withServer({}, async (path) => {
    const cases: [string, RegExp][] = [
      [`POST /v1/status HTTP/1.1\r\nX: ${"a".repeat(20_000)}\r\n\r\n`, / 431 /],
      [`GET /${"a".repeat(20_000)} HTTP/1.1\r\n\r\n`, / 414 /],
      [`POST /v1/status HTTP/1.1\r\n${"X-A: b\r\n".repeat(101)}\r\n`, / 431 /],
      [
        "POST /v1/status HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
        / 411 /,
      ],
      ["POST /v1/status HTTP/9.9\r\n\r\n", / 400 /],
      ["POST /v1/status HTTP/1.1\r\nContent-Length: -5\r\n\r\n", / 400 /],
      ["POST /v1/status HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}", / 400 /],
      ["POST /v1/status HTTP/1.1\r\nX : y\r\n\r\n", / 400 /],
      ["POST v1/status HTTP/1.1\r\n\r\n", / 400 /],
      ["TRACE /v1/status HTTP/1.1\r\n\r\n", / 400 /],
    ];
    for (const [text, status] of cases) {
      const out = await exchange(path, text);
      assertMatch(out.reply.split("\r\n")[0] ?? "", new RegExp(`^HTTP/1\\.1${status.source}`));
      assert(out.closed, `left open after ${JSON.stringify(text.slice(0, 40))}`);
    }
  });
});

Deno.test("absolute-form targets, HTTP/1.0 and 100-continue are served", async () => {
  await withServer({}, async (path) => {
    const absolute = await exchange(
      path,
      "POST http://taskmasterd/v1/status HTTP/1.1\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}",
    );
    assertMatch(absolute.reply, /^HTTP\/1\.1 200 OK\r\n[^]*\r\n\r\n\{"ok":true/);
    const old = await exchange(path, "POST /v1/status HTTP/1.0\r\nContent-Length: 2\r\n\r\n{}");
    assertMatch(old.reply, /^HTTP\/1\.1 200 OK\r\n[^]*connection: close\r\n/);
    assert(old.closed);
    // 100-continue: the server asks for the body only when the handler reads it.
    const conn = await Deno.connect({ transport: "unix", path });
    try {
      await conn.write(enc.encode(
        "POST /v1/status HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n",
      ));
      const buf = new Uint8Array(4096);
      const first = new TextDecoder().decode(buf.subarray(0, (await conn.read(buf)) ?? 0));
      assertEquals(first, "HTTP/1.1 100 Continue\r\n\r\n");
      await conn.write(enc.encode("{}"));
      const second = new TextDecoder().decode(buf.subarray(0, (await conn.read(buf)) ?? 0));
      assertMatch(second, /^HTTP\/1\.1 200 OK/);
    } finally {
      conn.close();
    }
  });
});

Deno.test("at the connection bound the oldest idle connection is evicted for a new one", async () => {
  await withServer({ maxConnections: 3, headerTimeoutMs: 5000 }, async (path, server) => {
    const stalled = await Promise.all(
      [0, 1, 2].map(() => Deno.connect({ transport: "unix", path })),
    );
    try {
      await waitFor(() => server.connections === 3, { what: "3 connections" });
      const out = await exchange(
        path,
        STATUS.replace("HTTP/1.1\r\n", "HTTP/1.1\r\nConnection: close\r\n"),
      );
      assertMatch(out.reply, /^HTTP\/1\.1 200 OK/);
      // The oldest stalled connection was closed by the server.
      const buf = new Uint8Array(16);
      assertEquals(await stalled[0]!.read(buf), null);
    } finally {
      for (const conn of stalled) conn.close();
    }
  });
});

Deno.test("a followed stream flows as produced, and ends when its client hangs up", async () => {
  const api = controlScenario();
  await withServer({}, async (path) => {
    const conn = await Deno.connect({ transport: "unix", path });
    await conn.write(enc.encode("GET /v1/output?name=web:0&follow=1 HTTP/1.1\r\nHost: x\r\n\r\n"));
    const buf = new Uint8Array(65536);
    let text = new TextDecoder().decode(buf.subarray(0, (await conn.read(buf)) ?? 0));
    assertMatch(text, /^HTTP\/1\.1 200 OK\r\n[^]*transfer-encoding: chunked/);
    await waitFor(() => api.followerCount() === 1, { what: "follower attached" });
    api.emitOutput("web:0", "stdout", "live!");
    while (!text.includes(btoa("live!"))) {
      text += new TextDecoder().decode(buf.subarray(0, (await conn.read(buf)) ?? 0));
    }
    conn.close();
    await waitFor(() => api.followerCount() === 0, { what: "follower released" });
  }, api);
});
