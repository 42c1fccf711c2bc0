/**
 * Request guards of the :4242 page (docs/web.md "Guards"): Host allow-list against DNS rebinding,
 * cross-site refusal, the optional bearer token (header or cookie) and the CSRF token. Each
 * check is a pure function of the request so handler tests can drive them directly.
 */
import type { HttpSpec } from "../config/types.ts";

/** Name of the HttpOnly cookie that carries `http.token` after a visit to `/?token=TOKEN`. */
export const TOKEN_COOKIE = "taskmaster_token";

/** Loopback names a browser may send in `Host` besides `http.host`. */
const LOOPBACK_HOSTS = ["localhost", "127.0.0.1", "[::1]"];

/** Hostnames (as they appear in a Host header) that are allowed for this listener. */
export function allowedHostnames(http: HttpSpec): string[] {
  // An IPv6 literal appears bracketed in Host and Origin.
  const configured = http.host.includes(":") ? `[${http.host}]` : http.host;
  return [...new Set([...LOOPBACK_HOSTS, configured.toLowerCase()])];
}

/**
 * True when `host` (a Host header value) names this listener: an allowed hostname with the
 * listening port (the port may be omitted only when it is 80, as browsers do).
 */
export function hostAllowed(host: string | null, http: HttpSpec, port: number): boolean {
  if (host === null || host === "") return false;
  const match = /^(\[[0-9a-fA-F:.]+\]|[^:\[\]]+)(?::(\d{1,5}))?$/.exec(host.trim());
  if (match === null) return false;
  const name = (match[1] ?? "").toLowerCase();
  const hostPort = match[2] === undefined ? 80 : Number(match[2]);
  return hostPort === port && allowedHostnames(http).includes(name);
}

/**
 * True when the request comes from another site: a `Sec-Fetch-Site: cross-site` header, or an
 * `Origin` that is not `http://` + the (already validated) Host. A missing Origin is allowed;
 * `Origin: null` (sandboxed frames, some redirects) is treated as foreign.
 */
export function crossSite(req: Request): boolean {
  const site = req.headers.get("sec-fetch-site");
  if (site === "cross-site") return true;
  const origin = req.headers.get("origin");
  if (origin === null) return false;
  const host = req.headers.get("host") ?? "";
  return origin.toLowerCase() !== `http://${host.toLowerCase()}`;
}

/**
 * True when a mutating request is not provably same-origin at the fetch-metadata level:
 * `same-site` (another port on the same host) is refused too, since a POST must come from
 * this page.
 */
export function mutationFromOtherOrigin(req: Request): boolean {
  const site = req.headers.get("sec-fetch-site");
  return site !== null && site !== "same-origin" && site !== "none";
}

/** Compares two strings in time that depends only on their lengths (S4: no timing oracle). */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = new TextEncoder().encode(a);
  const right = new TextEncoder().encode(b);
  // Fold the length difference in instead of returning early on it.
  let diff = left.length ^ right.length;
  const n = Math.max(left.length, right.length);
  for (let i = 0; i < n; i++) diff |= (left[i] ?? 0) ^ (right[i] ?? 0);
  return diff === 0;
}

/** Reads one cookie value from the request, or null. */
export function readCookie(req: Request, name: string): string | null {
  const header = req.headers.get("cookie");
  if (header === null) return null;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

/**
 * True when the request carries `http.token` (always true when none is configured), either as
 * `Authorization: Bearer TOKEN` or as the {@link TOKEN_COOKIE} cookie.
 */
export function tokenAccepted(req: Request, token: string | null): boolean {
  if (token === null) return true;
  const auth = req.headers.get("authorization");
  if (auth !== null && /^Bearer /i.test(auth) && constantTimeEqual(auth.slice(7).trim(), token)) {
    return true;
  }
  const cookie = readCookie(req, TOKEN_COOKIE);
  return cookie !== null && constantTimeEqual(decodeCookie(cookie), token);
}

/** The Set-Cookie value that remembers `token` for this origin only. */
export function tokenCookie(token: string): string {
  return `${TOKEN_COOKIE}=${
    encodeURIComponent(token)
  }; Path=/; HttpOnly; SameSite=Strict; Max-Age=31536000`;
}

/** True when the request's `X-CSRF-Token` equals this run's CSRF token. */
export function csrfAccepted(req: Request, csrfToken: string): boolean {
  const sent = req.headers.get("x-csrf-token");
  return sent !== null && csrfToken !== "" && constantTimeEqual(sent, csrfToken);
}

/** A fresh CSRF token: 256 random bits, hex. */
export function newCsrfToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function decodeCookie(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    // A malformed escape cannot equal the token; compare the raw text instead of failing.
    return value;
  }
}
