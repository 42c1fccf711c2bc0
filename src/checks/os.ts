/**
 * The real {@link ProbeOs}: Deno.connect for tcp, node:http(s) for http, the daemon's spawner
 * for exec.
 *
 * Why node:http(s) and not fetch: `tlsverify: false` must skip certificate checks for one
 * check only. Deno's fetch cannot: `Deno.createHttpClient` takes extra CA certificates but has
 * no option to ignore certificate errors, and `--unsafely-ignore-certificate-errors` is a
 * process-wide flag. node:https honours `rejectUnauthorized: false` per request. One client for
 * both schemes keeps one code path; `agent: false` gives every check its own connection, closed
 * when the check ends (no pool to grow, no socket reused across checks).
 */
import http from "node:http";
import https from "node:https";
import { denoSpawner } from "../process/spawner.ts";
import type { ProbeConn, ProbeOs } from "./types.ts";

/** GET without redirects; resolves with the status at the headers and drops the rest. */
function httpGet(
  url: string,
  options: { tlsverify: boolean; signal: AbortSignal },
): Promise<number> {
  return new Promise((resolve, reject) => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return reject(new Error(`invalid URL "${url}"`));
    }
    const secure = parsed.protocol === "https:";
    if (!secure && parsed.protocol !== "http:") {
      return reject(new Error(`unsupported scheme "${parsed.protocol}"`));
    }
    const request = (secure ? https : http).request(parsed, {
      method: "GET",
      agent: false,
      headers: { "user-agent": "taskmaster-check", connection: "close" },
      ...(secure ? { rejectUnauthorized: options.tlsverify } : {}),
    });
    const abort = () => request.destroy();
    options.signal.addEventListener("abort", abort, { once: true });
    request.on("response", (response) => {
      resolve(response.statusCode ?? 0);
      // The body is not read: close the connection instead of draining it.
      response.destroy();
      request.destroy();
      options.signal.removeEventListener("abort", abort);
    });
    request.on("error", (error: Error & { code?: string }) => {
      options.signal.removeEventListener("abort", abort);
      reject(new Error(httpErrorText(error)));
    });
    request.end();
  });
}

/** Node's `connect ECONNREFUSED 127.0.0.1:8080` as is; other errors keep their message. */
function httpErrorText(error: Error & { code?: string }): string {
  if (error.message !== "") return error.message;
  return error.code ?? "request failed";
}

async function connect(host: string, port: number, signal: AbortSignal): Promise<ProbeConn> {
  // The signal matters for targets that drop SYNs: without it a connect stays pending (one
  // socket each) until the kernel gives up, minutes later, while a new check starts every period.
  const conn = await Deno.connect({ hostname: host, port, transport: "tcp", signal });
  return { close: () => conn.close() };
}

/** The probes' OS: real sockets, real HTTP, the daemon's spawner. */
export const realProbeOs: ProbeOs = { connect, httpGet, spawner: denoSpawner };
