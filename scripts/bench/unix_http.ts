/** HTTP over a unix socket (Deno's `createHttpClient` unix transport), as status probes use it. */
import { exchange } from "../../ctl/unix_http.ts";

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
 * One POST over a fresh unix-socket connection with an origin-form request line (`POST /RPC2`),
 * for servers such as supervisord's medusa that reject the absolute-form line
 * (`POST http://localhost/RPC2`) Deno's unix "proxy" client sends; spoken by the controller's own
 * raw client (ctl/unix_http.ts). Returns the response body; throws on a non-2xx status or after
 * `timeoutMs`.
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
    const answer = await exchange(conn, "POST", route, body, contentType);
    const text = new TextDecoder().decode(answer.body);
    if (answer.status < 200 || answer.status > 299) {
      throw new Error(`POST ${route}: HTTP ${answer.status}: ${text.slice(0, 200)}`);
    }
    return text;
  } finally {
    clearTimeout(timer);
    try {
      conn.close();
    } catch {
      // already closed by the timeout above: nothing left to release
    }
  }
}
