/**
 * The own HTTP/1.1 server (src/http1/server.ts) over both of its listeners, a real unix socket
 * (control) and a loopback TCP one (:4242), with short timeouts: garbage refused at once, head
 * deadline, idle timeout, caps (431/414/411/400), keep-alive and pipelining, HTTP/1.0,
 * 100-continue, eviction at the connection bound, hang-up releasing streams and aborting signals.
 */
import { assert, assertEquals, assertMatch } from "../control/asserts.ts";
import { createControlHandler } from "../../../src/control/handler.ts";
import { type Http1Options, serveHttp1 } from "../../../src/http1/server.ts";
import { controlScenario } from "../../helpers/fake_scenarios.ts";
import { waitFor } from "../../helpers/wait_for.ts";

const enc = new TextEncoder();

/** The two listeners the server runs on: the control socket's and the :4242 page's. */
type Transport = "unix" | "tcp";
const TRANSPORTS: readonly Transport[] = ["unix", "tcp"];

/** How a test reaches the server, whatever the transport. */
interface Endpoint {
  connect(): Promise<Deno.Conn>;
  /** A fresh fetch client with its own connection pool, and the base URL to use with it. */
  client(): { client: Deno.HttpClient; base: string };
}

async function withServer(
  transport: Transport,
  options: Http1Options,
  fn: (endpoint: Endpoint, server: ReturnType<typeof serveHttp1>) => Promise<void>,
  api = controlScenario(),
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "tm-http1-" });
  const path = `${dir}/s`;
  const listener = transport === "unix"
    ? Deno.listen({ transport: "unix", path })
    : Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  const endpoint: Endpoint = transport === "unix"
    ? {
      connect: () => Deno.connect({ transport: "unix", path }),
      client: () => ({
        client: Deno.createHttpClient({ proxy: { transport: "unix", path } }),
        base: "http://x",
      }),
    }
    : {
      connect: () => Deno.connect({ hostname: "127.0.0.1", port }),
      client: () => ({ client: Deno.createHttpClient({}), base: `http://127.0.0.1:${port}` }),
    };
  const errors: unknown[] = [];
  const server = serveHttp1(listener, createControlHandler(api), {
    onError: (e) => errors.push(e),
    ...options,
  });
  try {
    await fn(endpoint, server);
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
  assertEquals(errors.map(String), [], "onError");
}

/** Sends `text` on a fresh connection and reads until the server closes it (or `ms` pass). */
async function exchange(
  endpoint: Endpoint,
  text: string | Uint8Array,
  ms = 3000,
): Promise<{ reply: string; ms: number; closed: boolean }> {
  const started = performance.now();
  const conn = await endpoint.connect();
  const timer = setTimeout(() => conn.close(), ms);
  let reply = "";
  let closed = false;
  try {
    if (text.length > 0) await conn.write(typeof text === "string" ? enc.encode(text) : text);
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

for (const transport of TRANSPORTS) {
  const t = `[${transport}]`;

  Deno.test(`${t} a stalled request head gets 408 and is closed at the deadline; silence just closes`, async () => {
    await withServer(transport, { headerTimeoutMs: 300 }, async (endpoint, server) => {
      const [partial, silent] = await Promise.all([
        exchange(endpoint, "POST /v1/st"),
        exchange(endpoint, ""),
      ]);
      assertMatch(partial.reply, /^HTTP\/1\.1 408 /);
      assert(partial.closed && silent.closed, "connections left open");
      assertEquals(silent.reply, "");
      // Closed by the server before exchange()'s own 3 s cut, and not before the deadline.
      for (const o of [partial, silent]) assert(o.ms >= 250, `closed early: ${o.ms} ms`);
      await waitFor(() => server.connections === 0, { what: "connections released" });
    });
  });

  Deno.test(`${t} random binary is answered 400 and closed at once, not at the head deadline`, async () => {
    // The head deadline stays at its 10 s default; the exchange gives up (closed: false) after
    // 2 s. A 400 and a close from the server before that is the event under test.
    await withServer(transport, {}, async (endpoint, server) => {
      let seed = 7;
      const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) >> 8 & 0xff;
      for (let round = 0; round < 5; round++) {
        const garbage = Uint8Array.from({ length: 4096 }, random);
        // No line break anywhere: nothing for a line-based parser to wait for but the deadline.
        for (let k = 0; k < garbage.length; k++) if (garbage[k] === 0x0a) garbage[k] = 0x0b;
        const out = await exchange(endpoint, garbage, 2000);
        assertMatch(out.reply, /^HTTP\/1\.1 400 /);
        assert(out.closed, `round ${round}: not closed by the server within 2 s`);
        console.log(`${t} 4 KiB of random bytes: 400 and close after ${out.ms.toFixed(1)} ms`);
      }
      // A TLS ClientHello (https:// to the plain port) is refused the same way.
      const hello = await exchange(endpoint, new Uint8Array([0x16, 0x03, 0x01, 0x02, 0x00]), 2000);
      assertMatch(hello.reply, /^HTTP\/1\.1 400 /);
      assert(hello.closed);
      await waitFor(() => server.connections === 0, { what: "connections released" });
    });
  });

  Deno.test(`${t} a refused client that goes on sending still reads its 400 (lingering close)`, async () => {
    await withServer(transport, {}, async (endpoint, server) => {
      const conn = await endpoint.connect();
      try {
        await conn.write(new Uint8Array([0x80]));
        // More garbage after the refusal: unread bytes at close would make TCP reset the
        // connection, destroying the 400 before it is read.
        const more = new Uint8Array(16 * 1024).fill(0x81);
        for (let i = 0; i < 8; i++) {
          try {
            await conn.write(more);
          } catch (_e) {
            break; // the server closed for good (after its linger): the 400 is still queued
          }
        }
        let reply = "";
        const buf = new Uint8Array(4096);
        for (let n = await conn.read(buf); n !== null; n = await conn.read(buf)) {
          reply += new TextDecoder().decode(buf.subarray(0, n));
        }
        assertMatch(reply, /^HTTP\/1\.1 400 /);
      } finally {
        conn.close();
      }
      await waitFor(() => server.connections === 0, { what: "connection released" });
    });
  });

  Deno.test(`${t} kept-alive connections serve several (pipelined) requests, then idle out`, async () => {
    // Keep-alive, with an idle timeout no pause of a loaded machine reaches: one pooled
    // connection carries every request.
    await withServer(transport, { idleTimeoutMs: 30_000 }, async (endpoint, server) => {
      const { client, base } = endpoint.client();
      try {
        for (let i = 0; i < 3; i++) {
          const res = await fetch(`${base}/v1/status`, { client, method: "POST", body: "{}" });
          assertEquals((await res.json()).ok, true);
          assertEquals(server.connections, 1, "the pooled connection was reused");
        }
      } finally {
        client.close();
      }
    });
    // Idle-out, with a raw connection (no pool that could race the server's close): both
    // pipelined requests are answered, then the server closes the connection once it idled
    // for the idle timeout — not before.
    await withServer(transport, { idleTimeoutMs: 300 }, async (endpoint, server) => {
      const out = await exchange(endpoint, STATUS + STATUS, 10_000);
      assertEquals(out.reply.match(/HTTP\/1\.1 200 OK/g)?.length, 2);
      assert(out.closed, "idle connection not closed by the server");
      assert(out.ms >= 250, `closed after ${out.ms.toFixed(0)} ms, before the idle timeout`);
      await waitFor(() => server.connections === 0, { what: "idle connection released" });
      // The server goes on serving new connections after idling one out.
      const { client, base } = endpoint.client();
      try {
        const res = await fetch(`${base}/v1/version`, { client, method: "POST", body: "{}" });
        assertEquals(res.status, 200);
        await res.body?.cancel();
      } finally {
        client.close();
      }
    });
  });

  Deno.test(`${t} heads over the caps and unsupported framings are refused with 4xx and closed`, async () => {
    await withServer(transport, {}, async (endpoint) => {
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
        const out = await exchange(endpoint, text);
        assertMatch(out.reply.split("\r\n")[0] ?? "", new RegExp(`^HTTP/1\\.1${status.source}`));
        assert(out.closed, `left open after ${JSON.stringify(text.slice(0, 40))}`);
      }
    });
  });

  Deno.test(`${t} absolute-form targets, HTTP/1.0 and 100-continue are served`, async () => {
    await withServer(transport, {}, async (endpoint) => {
      const absolute = await exchange(
        endpoint,
        "POST http://taskmasterd/v1/status HTTP/1.1\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}",
      );
      assertMatch(absolute.reply, /^HTTP\/1\.1 200 OK\r\n[^]*\r\n\r\n\{"ok":true/);
      const old = await exchange(
        endpoint,
        "POST /v1/status HTTP/1.0\r\nContent-Length: 2\r\n\r\n{}",
      );
      assertMatch(old.reply, /^HTTP\/1\.1 200 OK\r\n[^]*connection: close\r\n/);
      assert(old.closed);
      // 100-continue: the server asks for the body only when the handler reads it.
      const conn = await endpoint.connect();
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

  Deno.test(`${t} at the connection bound the oldest idle connection is evicted for a new one`, async () => {
    await withServer(
      transport,
      { maxConnections: 3, headerTimeoutMs: 5000 },
      async (endpoint, server) => {
        const stalled = await Promise.all([0, 1, 2].map(() => endpoint.connect()));
        try {
          await waitFor(() => server.connections === 3, { what: "3 connections" });
          const out = await exchange(
            endpoint,
            STATUS.replace("HTTP/1.1\r\n", "HTTP/1.1\r\nConnection: close\r\n"),
          );
          assertMatch(out.reply, /^HTTP\/1\.1 200 OK/);
          // The oldest stalled connection was closed by the server.
          const buf = new Uint8Array(16);
          assertEquals(await stalled[0]!.read(buf), null);
        } finally {
          for (const conn of stalled) conn.close();
        }
      },
    );
  });

  Deno.test(`${t} a followed stream flows as produced, and ends when its client hangs up`, async () => {
    const api = controlScenario();
    await withServer(transport, {}, async (endpoint) => {
      const conn = await endpoint.connect();
      await conn.write(
        enc.encode("GET /v1/output?name=web:0&follow=1 HTTP/1.1\r\nHost: x\r\n\r\n"),
      );
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
}

Deno.test("[tcp] handlers get the peer address, and request.signal aborts when the client hangs up", async () => {
  let seen: Deno.Addr | null = null;
  let aborted: () => void = () => {};
  const abortedOnce = new Promise<void>((resolve) => (aborted = resolve));
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const server = serveHttp1(listener, (request, info) => {
    seen = info.remoteAddr;
    // A handler that would wait forever, but for the hang-up.
    return new Promise((resolve) => {
      request.signal.addEventListener("abort", () => {
        aborted();
        resolve(new Response("gone"));
      });
    });
  });
  try {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: listener.addr.port });
    await conn.write(enc.encode("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"));
    await waitFor(() => seen !== null, { what: "handler called" });
    assertEquals((seen as Deno.NetAddr | null)?.hostname, "127.0.0.1");
    conn.close();
    await abortedOnce;
  } finally {
    await server.close();
  }
});
