/** HTTP over a unix socket (Deno's `createHttpClient` unix transport), as status probes use it. */

/** A reusable HTTP client bound to one unix socket path. */
export class UnixHttp {
  #client: Deno.HttpClient;

  /** Binds to the unix socket at `path`; call `close()` when done. */
  constructor(path: string) {
    this.#client = Deno.createHttpClient({ proxy: { transport: "unix", path } });
  }

  /** POSTs `body` to `route` and returns the response text; throws on a non-2xx status. */
  async post(route: string, body: string, contentType: string): Promise<string> {
    const response = await fetch(`http://localhost${route}`, {
      method: "POST",
      body,
      headers: { "content-type": contentType },
      client: this.#client,
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    if (!response.ok) {
      throw new Error(`POST ${route}: HTTP ${response.status}: ${text.slice(0, 200)}`);
    }
    return text;
  }

  /** Releases the client's connections. */
  close(): void {
    this.#client.close();
  }
}

/**
 * One HTTP/1.0 POST over a fresh unix-socket connection with an origin-form request line
 * (`POST /RPC2`), for servers such as supervisord's medusa that reject the absolute-form line
 * (`POST http://localhost/RPC2`) Deno's unix "proxy" client sends. Returns the response body;
 * throws on a non-2xx status or after `timeoutMs`.
 */
export async function rawUnixPost(
  path: string,
  route: string,
  body: string,
  contentType: string,
  timeoutMs = 30_000,
): Promise<string> {
  const conn = await Deno.connect({ transport: "unix", path });
  const timer = setTimeout(() => conn.close(), timeoutMs);
  try {
    const payload = new TextEncoder().encode(body);
    const head = `POST ${route} HTTP/1.0\r\nHost: localhost\r\nContent-Type: ${contentType}\r\n` +
      `Content-Length: ${payload.length}\r\n\r\n`;
    await conn.write(new TextEncoder().encode(head));
    await conn.write(payload);
    const chunks: Uint8Array<ArrayBuffer>[] = [];
    const buffer = new Uint8Array(65536);
    while (true) {
      const got = await conn.read(buffer);
      if (got === null) break;
      chunks.push(buffer.slice(0, got));
    }
    const text = new TextDecoder().decode(await new Blob(chunks).arrayBuffer());
    const status = Number(/^HTTP\/1\.\d (\d{3})/.exec(text)?.[1] ?? 0);
    const bodyAt = text.indexOf("\r\n\r\n");
    if (status < 200 || status > 299 || bodyAt < 0) {
      throw new Error(`POST ${route}: HTTP ${status}: ${text.slice(0, 200)}`);
    }
    return text.slice(bodyAt + 4);
  } finally {
    clearTimeout(timer);
    try {
      conn.close();
    } catch {
      // already closed by the timeout above: nothing left to release
    }
  }
}
