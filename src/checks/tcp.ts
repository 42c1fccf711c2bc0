/**
 * The tcp probe: passes when a connection to `host:port` opens (nothing is sent; the socket is
 * closed at once). Messages follow the familiar `connect ECONNREFUSED 127.0.0.1:5432` form.
 */
import type { CheckTarget } from "../config/types.ts";
import { bounded } from "./bounded.ts";
import type { ProbeContext, ProbeResult } from "./types.ts";

/** Host used when a tcp check names only a port. */
export const DEFAULT_TCP_HOST = "127.0.0.1";

/** Deno error names mapped to the errno names people know from other tools. */
const CODES: Readonly<Record<string, string>> = {
  ConnectionRefused: "ECONNREFUSED",
  ConnectionReset: "ECONNRESET",
  ConnectionAborted: "ECONNABORTED",
  TimedOut: "ETIMEDOUT",
  AddrNotAvailable: "EADDRNOTAVAIL",
  AddrInUse: "EADDRINUSE",
  NotFound: "ENOTFOUND",
  PermissionDenied: "EACCES",
  NetworkUnreachable: "ENETUNREACH",
  HostUnreachable: "EHOSTUNREACH",
};

/**
 * Connects to the (placeholder-resolved) target within `timeoutMs`. Never rejects; a connection
 * that opens after the timeout is closed as soon as it arrives, so no socket is left behind.
 */
export function runTcp(
  target: Extract<CheckTarget, { kind: "tcp" }>,
  timeoutMs: number,
  ctx: ProbeContext,
): Promise<ProbeResult> {
  const host = target.host === "" ? DEFAULT_TCP_HOST : target.host;
  const where = `${host.includes(":") ? `[${host}]` : host}:${target.port}`;
  const port = Number(target.port);
  if (!/^\d{1,5}$/.test(target.port) || port < 1 || port > 65535) {
    return Promise.resolve({ ok: false, message: `invalid port "${target.port}"` });
  }
  return bounded(ctx.clock, timeoutMs, ctx.signal, async (signal) => {
    let conn;
    try {
      conn = await ctx.os.connect(host, port, signal);
    } catch (error) {
      return { ok: false, message: `connect ${errorCode(error)} ${where}` };
    }
    // Closing is the whole cleanup, also when the answer came too late to count.
    closeQuietly(conn);
    if (signal.aborted) return { ok: false, message: "late connection" };
    return { ok: true, message: `connected to ${where}` };
  });
}

function errorCode(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && /^E[A-Z]+$/.test(code)) return code;
  // A failed name lookup comes back as a plain Error with getaddrinfo's text.
  if (/failed to lookup address/i.test(error.message)) return "ENOTFOUND";
  return CODES[error.name] ?? error.message;
}

function closeQuietly(conn: { close(): void }): void {
  try {
    conn.close();
  } catch {
    // Already closed: nothing to release.
  }
}
