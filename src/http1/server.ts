/**
 * A small HTTP/1.1 server over any `Deno.Listener`: the control socket's unix one
 * (unix_listener.ts) and the :4242 page's TCP one (src/web/server.ts), which faces the network.
 *
 * Why not `Deno.serve`: it has no deadline for reading a request head, so a same-user client that
 * sends `POST /v1/st` and then nothing holds a connection forever (rows B1/B9 of docs/reliability.md), and
 * node:http's `headersTimeout` is not honoured by Deno either. A front proxy that times out heads
 * and forwards to `Deno.serve` was the other option; it is not simpler once done fully: to time
 * out the second request on a kept-alive connection it must find where each request ends (parse
 * Content-Length too), it doubles the fds per client and adds a hop to every round trip. Owning
 * the HTTP layer instead costs a head parser and a chunked writer, and gives every deadline.
 * The :4242 page uses it for the same reasons (there the slow sender may be anyone on the network).
 *
 * What it promises: a request line that can no longer become HTTP (random bytes, a bad method or
 * version) is answered 400 and closed as soon as its bytes show it; a head (request line + headers,
 * ≤ 16 KiB, ≤ 100 fields) must arrive within the header timeout (counted from accept for the first
 * request, from the first byte for later ones on a kept-alive connection, which may idle for the
 * idle timeout in between), else 408 and close; bodies need Content-Length (chunked ones get 411); fixed replies go out whole with
 * Content-Length, NDJSON (and event-stream) replies chunked as produced, ended when the client
 * hangs up; at most `maxConnections` at once (the oldest idle or head-reading one is evicted).
 */
import { type ConnSettings, Http1Connection, type Http1Handler } from "./conn.ts";

export type { Http1Handler, Http1Info } from "./conn.ts";

/** Tunables of {@link serveHttp1} (milliseconds); the defaults suit both listeners. */
export interface Http1Options {
  /** Called with handler failures and unexpected server errors (never client misbehaviour). */
  onError?: (error: unknown) => void;
  /** Deadline for a complete request head (default 10 s, the body timeout's twin). */
  headerTimeoutMs?: number;
  /** How long a kept-alive connection may sit idle between requests (default 30 s). */
  idleTimeoutMs?: number;
  /** How long one write may stay blocked by a client that does not read (default 30 s). */
  writeTimeoutMs?: number;
  /** Most connections served at once (default 512). */
  maxConnections?: number;
}

/** A running {@link serveHttp1} server. */
export interface Http1Server {
  /** Open connections right now (for tests and diagnostics). */
  readonly connections: number;
  /**
   * Stops accepting and closes the listener; idle connections close now, requests in progress
   * get their answer and streams end after what is ready; after 5 s the rest is cut. Idempotent.
   */
  close(): Promise<void>;
}

/** Defaults of {@link Http1Options}. */
export const HTTP1_DEFAULTS = {
  headerTimeoutMs: 10_000,
  idleTimeoutMs: 30_000,
  writeTimeoutMs: 30_000,
  maxConnections: 512,
} as const;

const CLOSE_GRACE_MS = 5_000;
const ACCEPT_BACKOFF_MS = 100;

/** Serves `handler` on every connection `listener` accepts (see the module comment). */
export function serveHttp1(
  listener: Deno.Listener,
  handler: Http1Handler,
  options: Http1Options = {},
): Http1Server {
  const report = options.onError ?? ((error: unknown) => console.error(`http: ${error}`));
  const settings: ConnSettings = {
    handler,
    report,
    headerTimeoutMs: options.headerTimeoutMs ?? HTTP1_DEFAULTS.headerTimeoutMs,
    idleTimeoutMs: options.idleTimeoutMs ?? HTTP1_DEFAULTS.idleTimeoutMs,
    writeTimeoutMs: options.writeTimeoutMs ?? HTTP1_DEFAULTS.writeTimeoutMs,
  };
  const maxConnections = options.maxConnections ?? HTTP1_DEFAULTS.maxConnections;
  // Insertion order is age order: eviction scans from the oldest.
  const open = new Set<Http1Connection>();
  let closing = false;
  let backoff: { timer: ReturnType<typeof setTimeout>; resolve(): void } | null = null;

  function admit(conn: Deno.Conn): void {
    if (open.size >= maxConnections) {
      let victim: Http1Connection | null = null;
      for (const candidate of open) {
        if (candidate.evictable) {
          victim = candidate;
          break;
        }
      }
      if (victim === null) {
        conn.close(); // every slot is serving a request: refuse rather than exceed the bound
        return;
      }
      victim.abort();
    }
    const connection = new Http1Connection(conn, settings);
    open.add(connection);
    void connection.done.then(() => open.delete(connection));
  }

  const accepting = (async () => {
    while (!closing) {
      let conn: Deno.Conn;
      try {
        conn = await listener.accept();
      } catch (error) {
        if (closing || error instanceof Deno.errors.BadResource) return;
        // EMFILE and the like: report, then pause so a full fd table does not spin this loop.
        report(error);
        await new Promise<void>((resolve) => {
          backoff = { timer: setTimeout(resolve, ACCEPT_BACKOFF_MS), resolve };
        });
        backoff = null;
        continue;
      }
      if (closing) conn.close();
      else admit(conn);
    }
  })();

  let closed: Promise<void> | null = null;
  return {
    get connections() {
      return open.size;
    },
    close() {
      closed ??= (async () => {
        closing = true;
        try {
          listener.close();
        } catch (error) {
          if (!(error instanceof Deno.errors.BadResource)) report(error);
        }
        if (backoff !== null) {
          clearTimeout(backoff.timer);
          backoff.resolve();
        }
        await accepting;
        for (const connection of open) connection.shutdown();
        let timer: ReturnType<typeof setTimeout> | undefined;
        const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_GRACE_MS)));
        await Promise.race([Promise.all([...open].map((c) => c.done)), grace]);
        clearTimeout(timer);
        // Past the grace: cut what is left (a client not reading, a handler still running).
        for (const connection of open) connection.abort();
      })();
      return closed;
    },
  };
}
