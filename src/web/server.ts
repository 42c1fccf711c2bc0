/**
 * The :4242 listener: `Deno.serve` on the configured host only (never the 0.0.0.0 default),
 * a fresh CSRF token per start, and a close that ends open SSE streams before shutting down.
 */
import type { HttpSpec } from "../config/types.ts";
import type { SupervisorApi } from "../supervisor/api.ts";
import { createWebHandler } from "./handler.ts";
import { newCsrfToken } from "./guard.ts";

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
  let server: Deno.HttpServer<Deno.NetAddr>;
  try {
    server = Deno.serve({
      hostname: http.host,
      port: http.port,
      onListen: () => {/* the caller logs the URL we return */},
      onError: (error) => {
        options.onError?.(`http: handler failed: ${String(error)}`);
        return new Response("internal error\n", { status: 500 });
      },
    }, handler);
  } catch (error) {
    const reason = error instanceof Deno.errors.AddrInUse
      ? "address already in use"
      : error instanceof Error
      ? error.message
      : String(error);
    return Promise.reject(new Error(`http: cannot listen on ${display}:${http.port}: ${reason}`));
  }
  boundPort = server.addr.port;
  let closed: Promise<void> | null = null;
  return Promise.resolve({
    url: `http://${display}:${boundPort}`,
    close() {
      closed ??= (async () => {
        closing.abort();
        await server.shutdown();
      })();
      return closed;
    },
  });
}
