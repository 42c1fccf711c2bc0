/** startWebServer on real loopback sockets: bind (S2), port 0, port taken, close, the wire. */
import { assert, assertEquals, assertMatch } from "./assert.ts";
import { startWebServer } from "../../../src/web/server.ts";
import { FakeSupervisor } from "../../helpers/fake_supervisor.ts";
import { waitFor } from "../../helpers/wait_for.ts";

/** Local addresses listening on `port` per /proc/net/tcp{,6} (hex ip:port → "ip"). */
function listeners(port: number): string[] {
  const found: string[] = [];
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text = "";
    try {
      text = Deno.readTextFileSync(file);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
    for (const line of text.split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      const [ip, hexPort] = (cols[1] ?? "").split(":");
      if (cols[3] === "0A" && parseInt(hexPort ?? "", 16) === port) found.push(`${file}:${ip}`);
    }
  }
  return found;
}

Deno.test("S2: binds only the configured loopback host; port 0 picks a free port", async () => {
  const api = new FakeSupervisor([["db", 1]]);
  const server = await startWebServer(api, { host: "127.0.0.1", port: 0, token: null });
  try {
    const port = Number(new URL(server.url).port);
    assert(port > 0);
    assertMatch(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    // 127.0.0.1 little-endian hex is 0100007F; never 00000000 (0.0.0.0) or :: in tcp6.
    assertEquals(listeners(port), ["/proc/net/tcp:0100007F"]);
    const res = await fetch(`${server.url}/api/status`);
    assertEquals(res.status, 200);
    assertEquals((await res.json()).length, 1);
    const page = await (await fetch(`${server.url}/`)).text();
    const token = /name="csrf-token" content="([0-9a-f]+)"/.exec(page)?.[1] ?? "";
    assert(token.length >= 32, "128+ bits of CSRF token");
    const stop = await fetch(`${server.url}/api/stop/db`, {
      method: "POST",
      headers: { "x-csrf-token": token },
    });
    assertEquals(stop.status, 200);
    await stop.body?.cancel();
  } finally {
    await server.close();
  }
});

Deno.test("a taken port rejects with a clear message", async () => {
  const api = new FakeSupervisor([["db", 1]]);
  const first = await startWebServer(api, { host: "127.0.0.1", port: 0, token: null });
  try {
    const port = Number(new URL(first.url).port);
    let message = "";
    try {
      const second = await startWebServer(api, { host: "127.0.0.1", port, token: null });
      await second.close();
    } catch (error) {
      message = String(error);
    }
    assertMatch(
      message,
      new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: address already in use`),
    );
  } finally {
    await first.close();
  }
});

Deno.test("each start has its own CSRF token; close() ends open SSE streams", async () => {
  const api = new FakeSupervisor([["db", 1]]);
  const a = await startWebServer(api, { host: "127.0.0.1", port: 0, token: null });
  const b = await startWebServer(api, { host: "127.0.0.1", port: 0, token: null });
  const tokenOf = async (url: string) =>
    /name="csrf-token" content="([0-9a-f]+)"/.exec(await (await fetch(url)).text())?.[1];
  const ta = await tokenOf(a.url), tb = await tokenOf(b.url);
  assert(ta !== undefined && tb !== undefined && ta !== tb);
  await b.close();
  const events = await fetch(`${a.url}/api/events`);
  const output = await fetch(`${a.url}/api/output/db?follow=1`);
  assertEquals(api.followerCount(), 1);
  const closing = a.close();
  for (const res of [events, output]) {
    const reader = res.body!.getReader();
    while (!(await reader.read()).done) { /* read to the end the server gives */ }
  }
  await closing;
  assertEquals(api.followerCount(), 0);
});

Deno.test("a client that goes away is unsubscribed (stream cancelled by the server)", async () => {
  const api = new FakeSupervisor([["db", 1]]);
  const server = await startWebServer(api, { host: "127.0.0.1", port: 0, token: null });
  try {
    const controller = new AbortController();
    const res = await fetch(`${server.url}/api/output/db?follow=1`, { signal: controller.signal });
    assertEquals(api.followerCount(), 1);
    controller.abort();
    await res.body?.cancel().catch(() => {/* already aborted */});
    // The server notices on its next write: keep printing until the follower is gone.
    await waitFor(() => {
      api.print("db", "stdout", "tick\n");
      return api.followerCount() === 0;
    }, { what: "follower removed after disconnect", timeoutMs: 5000 });
  } finally {
    await server.close();
  }
});

Deno.test("over the wire: SSE head and first event flow at once, HEAD has no body, garbage is 400", async () => {
  const api = new FakeSupervisor([["db", 1]]);
  const server = await startWebServer(api, { host: "127.0.0.1", port: 0, token: null });
  const port = Number(new URL(server.url).port);
  const host = `127.0.0.1:${port}`;
  const decoder = new TextDecoder();
  /** Reads from `conn` until `done(text)` or the server closes; returns what came. */
  async function readUntil(conn: Deno.Conn, done: (text: string) => boolean): Promise<string> {
    const buf = new Uint8Array(65536);
    let text = "";
    while (!done(text)) {
      const n = await conn.read(buf);
      if (n === null) break;
      text += decoder.decode(buf.subarray(0, n));
    }
    return text;
  }
  try {
    // SSE: the head and the `retry:` line arrive without waiting for any event.
    const sse = await Deno.connect({ hostname: "127.0.0.1", port });
    try {
      await sse.write(
        new TextEncoder().encode(`GET /api/events HTTP/1.1\r\nHost: ${host}\r\n\r\n`),
      );
      const text = await readUntil(sse, (t) => t.includes("retry: 2000"));
      assertMatch(text, /^HTTP\/1\.1 200 OK\r\n/);
      assertMatch(text, /content-type: text\/event-stream/i);
      assertMatch(text, /transfer-encoding: chunked/i);
    } finally {
      sse.close();
    }
    // HEAD: headers only; the kept-alive connection then serves a GET.
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    try {
      await conn.write(new TextEncoder().encode(`HEAD / HTTP/1.1\r\nHost: ${host}\r\n\r\n`));
      const head = await readUntil(conn, (t) => t.includes("\r\n\r\n"));
      assertMatch(head, /^HTTP\/1\.1 200 OK\r\n[^]*content-type: text\/html/i);
      assert(head.endsWith("\r\n\r\n"), "no body after a HEAD reply");
      await conn.write(
        new TextEncoder().encode(`GET /api/status HTTP/1.1\r\nHost: ${host}\r\n\r\n`),
      );
      const get = await readUntil(conn, (t) => t.includes('"name":"db"'));
      assertMatch(get, /^HTTP\/1\.1 200 OK\r\n/);
    } finally {
      conn.close();
    }
    // A request line that cannot be HTTP: 400 and closed (the server's end, not ours).
    const tls = await Deno.connect({ hostname: "127.0.0.1", port });
    try {
      await tls.write(new Uint8Array([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc]));
      const text = await readUntil(tls, () => false);
      assertMatch(text, /^HTTP\/1\.1 400 /);
    } finally {
      tls.close();
    }
  } finally {
    await server.close();
  }
});
