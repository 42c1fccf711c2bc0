/**
 * Raw byte clients for the daemon's sockets (the control socket, the :4242 page): send any bytes
 * (not necessarily HTTP) and observe whether the daemon answers, closes, or hangs — within a
 * deadline, never a sleep.
 */

/** What happened to one raw request. */
export interface RawOutcome {
  kind: "answered" | "closed" | "hung" | "refused";
  /** HTTP status when answered. */
  status: number | null;
  ms: number;
}

/** Where to connect: a unix socket path, or a TCP address. */
export type RawTarget = string | { hostname: string; port: number };

/** Connects to `target`, writes `bytes` (errors from a peer that closed early are an answer). */
export async function rawRequest(
  target: RawTarget,
  bytes: Uint8Array,
  options: {
    deadlineMs?: number;
    closeWrite?: boolean;
    /** Answered means the status line arrived and then the daemon closed (else: hung). */
    awaitClose?: boolean;
  } = {},
): Promise<RawOutcome> {
  const started = performance.now();
  let conn: Deno.Conn;
  try {
    conn = await (typeof target === "string"
      ? Deno.connect({ transport: "unix", path: target })
      : Deno.connect(target));
  } catch (_e) {
    return { kind: "refused", status: null, ms: performance.now() - started };
  }
  const deadlineMs = options.deadlineMs ?? 1000;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<"hung">((
    resolve,
  ) => (timer = setTimeout(() => resolve("hung"), deadlineMs)));
  const read = (async (): Promise<RawOutcome["kind"] | number> => {
    const buf = new Uint8Array(4096);
    let head = "";
    while (true) {
      let n: number | null;
      try {
        n = await conn.read(buf);
      } catch (_e) {
        // Reset by the peer (after its answer, when awaiting the close).
        return head.startsWith("HTTP/") ? Number(head.slice(9, 12)) : "closed";
      }
      if (n === null) return head.startsWith("HTTP/") ? Number(head.slice(9, 12)) : "closed";
      head += new TextDecoder().decode(buf.subarray(0, n));
      const status = head.match(/^HTTP\/1\.[01] (\d{3})/);
      if (status && !options.awaitClose) return Number(status[1]);
    }
  })();
  const write = (async () => {
    try {
      for (let i = 0; i < bytes.length; i += 65536) {
        await conn.write(bytes.subarray(i, i + 65536));
      }
      if (options.closeWrite) await conn.closeWrite();
    } catch (_e) {
      // The daemon may close early (e.g. after answering 413): the read side reports that.
    }
  })();
  try {
    const result = await Promise.race([read, timeout]);
    const ms = performance.now() - started;
    if (result === "hung") return { kind: "hung", status: null, ms };
    if (typeof result === "number") return { kind: "answered", status: result, ms };
    return { kind: "closed", status: null, ms };
  } finally {
    clearTimeout(timer);
    try {
      conn.close();
    } catch (_e) {
      // already closed by the peer
    }
    await write;
    await read.catch(() => {/* closing above ends the read; its result is no longer needed */});
  }
}

/** An HTTP/1.1 POST to `/v1/<command>` with an arbitrary raw body. */
export function httpPost(command: string, body: Uint8Array, extraHeaders = ""): Uint8Array {
  const head =
    `POST /v1/${command} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n` +
    `Content-Length: ${body.length}\r\n${extraHeaders}\r\n`;
  const out = new Uint8Array(head.length + body.length);
  out.set(new TextEncoder().encode(head));
  out.set(body, head.length);
  return out;
}
