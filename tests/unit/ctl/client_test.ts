import assert from "node:assert/strict";
import { checkReachable, ControlClient } from "../../../ctl/client.ts";
import { CtlError } from "../../../ctl/errors.ts";
import { API_VERSION } from "../../../src/protocol/version.ts";

/** A stand-in daemon: a unix-socket HTTP server answering with `handler`. */
async function withServer(
  handler: (request: Request) => Response | Promise<Response>,
  fn: (socket: string, seen: { method: string; path: string; body: string }[]) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "tm_client_" });
  const socket = `${dir}/d.sock`;
  const seen: { method: string; path: string; body: string }[] = [];
  const server = Deno.serve({ path: socket, onListen: () => {} }, async (request) => {
    const url = new URL(request.url);
    seen.push({
      method: request.method,
      path: url.pathname + url.search,
      body: await request.text(),
    });
    return handler(request);
  });
  try {
    await fn(socket, seen);
  } finally {
    await server.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
}

const API = { "x-taskmaster-api": String(API_VERSION), "content-type": "application/json" };
const json = (value: unknown, status = 200, headers: Record<string, string> = API) =>
  new Response(JSON.stringify(value), { status, headers });

function exitCode(code: number, pattern?: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof CtlError, String(error));
    assert.equal(error.exitCode, code, error.message);
    if (pattern) assert.match(error.message, pattern);
    return true;
  };
}

Deno.test("call POSTs the request as JSON to /v1/<name> and returns the result", async () => {
  await withServer(
    () => json({ ok: true, result: [{ name: "a", pid: 5 }] }),
    async (socket, seen) => {
      const client = new ControlClient(socket);
      try {
        assert.deepEqual(await client.call("pid", { names: ["a"] }), [{ name: "a", pid: 5 }]);
        assert.deepEqual(seen, [{ method: "POST", path: "/v1/pid", body: '{"names":["a"]}' }]);
      } finally {
        client.close();
      }
    },
  );
});

Deno.test("an error envelope becomes a CtlError with the code's exit code and the message", async () => {
  let code = "BAD_NAME";
  await withServer(
    () => json({ ok: false, error: { code, message: "no such process: x" } }, 400),
    async (socket) => {
      const client = new ControlClient(socket);
      try {
        await assert.rejects(
          () => client.call("status", { names: ["x"] }),
          exitCode(1, /^no such process: x$/),
        );
        code = "UNKNOWN_COMMAND";
        await assert.rejects(() => client.call("status", {}), exitCode(2));
      } finally {
        client.close();
      }
    },
  );
});

Deno.test("a daemon speaking another API version is refused with exit 1", async () => {
  await withServer(
    () => json({ ok: true, result: {} }, 200, { "x-taskmaster-api": "999" }),
    async (socket) => {
      const client = new ControlClient(socket);
      try {
        await assert.rejects(
          () => client.call("version", {}),
          exitCode(
            1,
            new RegExp(`speaks control API 999, this taskmasterctl needs API ${API_VERSION}`),
          ),
        );
      } finally {
        client.close();
      }
    },
  );
  await withServer(() => new Response("hello"), async (socket) => {
    const client = new ControlClient(socket);
    try {
      await assert.rejects(
        () => client.call("version", {}),
        exitCode(1, /speaks control API \(unknown\)/),
      );
    } finally {
      client.close();
    }
  });
});

Deno.test("an answer that is not JSON is a failure (exit 1), not a crash", async () => {
  await withServer(() => new Response("<html>", { headers: API }), async (socket) => {
    const client = new ControlClient(socket);
    try {
      await assert.rejects(
        () => client.call("info", {}),
        exitCode(1, /^bad answer from taskmasterd: /),
      );
    } finally {
      client.close();
    }
  });
});

Deno.test("stream yields one parsed value per NDJSON line, across chunk boundaries", async () => {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      const e = new TextEncoder();
      controller.enqueue(e.encode('{"seq":1}\n{"se'));
      controller.enqueue(e.encode('q":2}\n\n'));
      controller.enqueue(e.encode('{"seq":3}\n'));
      controller.close();
    },
  });
  await withServer(() => new Response(body, { headers: API }), async (socket, seen) => {
    const client = new ControlClient(socket);
    try {
      const items: unknown[] = [];
      for await (const item of client.stream("events", { follow: "1", lines: "2" })) {
        items.push(item);
      }
      assert.deepEqual(items, [{ seq: 1 }, { seq: 2 }, { seq: 3 }]);
      assert.equal(seen[0]!.method, "GET");
      assert.equal(seen[0]!.path, "/v1/events?follow=1&lines=2");
    } finally {
      client.close();
    }
  });
});

Deno.test("a refused stream reports the daemon's error, or the HTTP status", async () => {
  let answer = () =>
    json({ ok: false, error: { code: "BAD_NAME", message: "no such process: z" } }, 404);
  await withServer(() => answer(), async (socket) => {
    const client = new ControlClient(socket);
    try {
      const read = async () => {
        for await (const _ of client.stream("output", { name: "z" })) { /* nothing */ }
      };
      await assert.rejects(read, exitCode(1, /^no such process: z$/));
      answer = () => new Response("oops", { status: 500, headers: API });
      await assert.rejects(read, exitCode(1, /^stream failed with HTTP 500$/));
    } finally {
      client.close();
    }
  });
});

Deno.test("no socket file: exit 3, asking whether taskmasterd runs", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tm_client_" });
  try {
    await assert.rejects(
      () => checkReachable(`${dir}/none.sock`),
      exitCode(3, new RegExp(`^no socket at ${dir}/none\\.sock: is taskmasterd running\\?$`)),
    );
    const client = new ControlClient(`${dir}/none.sock`);
    await assert.rejects(() => client.call("status", {}), exitCode(3));
    client.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a socket nobody listens on (stale): exit 3, saying so", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tm_client_" });
  try {
    // Deno unlinks a socket it closes; a hard link keeps the dead socket file at `path`.
    const listener = Deno.listen({ transport: "unix", path: `${dir}/live.sock` });
    const path = `${dir}/stale.sock`;
    Deno.linkSync(`${dir}/live.sock`, path);
    listener.close();
    await assert.rejects(
      () => checkReachable(path),
      exitCode(3, /connection refused .*stale socket/),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/**
 * A socket whose connections are kept open (never closed by the server) and handed to `onConn`;
 * everything is closed after `fn`.
 */
async function withHeldConnections(
  onConn: (conn: Deno.Conn) => Promise<void>,
  fn: (path: string) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "tm_client_" });
  const path = `${dir}/held.sock`;
  const listener = Deno.listen({ transport: "unix", path });
  const held: Deno.Conn[] = [];
  const serving = (async () => {
    for await (const conn of listener) {
      held.push(conn);
      await onConn(conn);
    }
  })();
  try {
    await fn(path);
  } finally {
    listener.close();
    await serving.catch(() => {});
    for (const conn of held) conn.close();
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("a daemon that accepts but never answers is exit 3 after the answer deadline", async () => {
  await withHeldConnections(async () => {/* read nothing, answer nothing */}, async (path) => {
    const client = new ControlClient(path, 200);
    await assert.rejects(
      () => client.call("status", {}),
      exitCode(3, /did not answer status within 0\.2 s$/),
    );
    client.close();
  });
});

Deno.test("an answer with a content-length is complete without waiting for the connection to close", async () => {
  const body = JSON.stringify({ ok: true, result: { version: "x" } });
  const answer = async (conn: Deno.Conn) => {
    // Answered, never closed: only the length says the answer is over.
    await conn.read(new Uint8Array(4096));
    await conn.write(
      new TextEncoder().encode(
        `HTTP/1.1 200 OK\r\nx-taskmaster-api: ${API_VERSION}\r\n` +
          `content-length: ${body.length}\r\n\r\n${body}`,
      ),
    );
  };
  await withHeldConnections(answer, async (path) => {
    const client = new ControlClient(path, 5_000);
    assert.deepEqual(await client.call("version", {}), { version: "x" });
    client.close();
  });
});
