/**
 * The :4242 listener: src/http1's server (10 s head deadline, size caps, 512-connection bound; not
 * `Deno.serve`, which has none of these) on a TCP socket bound to the configured host only (never
 * 0.0.0.0 by default), a fresh CSRF token per start, and a close that ends open SSE streams first.
 */
import type { HttpSpec } from "../config/types.ts";
import type { SupervisorApi } from "../supervisor/api.ts";
import { createWebHandler } from "./handler.ts";
import { newCsrfToken } from "./guard.ts";
import { serveHttp1 } from "../http1/server.ts";

/** A running web listener. */
export interface WebServer {
  /** `http://HOST:PORT` with the port actually bound (IPv6 hosts bracketed). */
  url: string;
  /** Ends open streams, stops accepting, and resolves once the listener is gone. */
  close(): Promise<void>;
}

/**
 * Starts the page on `http.host:http.port` (port 0 picks a free one). Rejects with a message
 * naming the address when it cannot bind (port taken, bad host), so the daemon can log
 * `http-error` and keep supervising. `onError` receives unexpected handler failures.
 */
export function startWebServer(
  api: SupervisorApi,
  http: HttpSpec,
  options: { onError?: (message: string) => void } = {},
): Promise<WebServer> {
  const closing = new AbortController();
  let boundPort = http.port;
  const handler = createWebHandler(api, {
    http,
    csrfToken: newCsrfToken(),
    port: () => boundPort,
    signal: closing.signal,
  });
  const display = http.host.includes(":") ? `[${http.host}]` : http.host;
  let listener: Deno.TcpListener;
  try {
    listener = Deno.listen({ hostname: http.host, port: http.port });
  } catch (error) {
    const reason = error instanceof Deno.errors.AddrInUse
      ? "address already in use"
      : error instanceof Error
      ? error.message
      : String(error);
    return Promise.reject(new Error(`http: cannot listen on ${display}:${http.port}: ${reason}`));
  }
  boundPort = (listener.addr as Deno.NetAddr).port;
  // The same hardened server as the control socket (head deadline, caps, connection bound).
  const server = serveHttp1(listener, handler, {
    onError: (error) => options.onError?.(`http: ${String(error)}`),
  });
  let closed: Promise<void> | null = null;
  return Promise.resolve({
    url: `http://${display}:${boundPort}`,
    close() {
      closed ??= (async () => {
        closing.abort();
        await server.close();
      })();
      return closed;
    },
  });
}
