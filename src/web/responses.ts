/**
 * Response helpers of the :4242 page: the security headers every response carries, and the
 * JSON/text/HTML bodies with the status codes of docs/web.md "Guards" and "Errors".
 */
import type { ErrorCode } from "../protocol/errors.ts";
import { httpStatus } from "../protocol/http_status.ts";

/** The Content-Security-Policy of every response: no inline script or style anywhere. */
export const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; " +
  "connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; " +
  "frame-ancestors 'none'";

/** Headers every response carries (CSP, nosniff, no referrer, no framing, no caching). */
export function securityHeaders(contentType?: string): Headers {
  const headers = new Headers({
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "cache-control": "no-store",
  });
  if (contentType !== undefined) headers.set("content-type", contentType);
  return headers;
}

/** A JSON response. */
export function json(value: unknown, status = 200): Response {
  return new Response(JSON.stringify(value), {
    status,
    headers: securityHeaders("application/json; charset=utf-8"),
  });
}

/** An HTML response. */
export function html(body: string, status = 200): Response {
  return new Response(body, { status, headers: securityHeaders("text/html; charset=utf-8") });
}

/** A plain-text response (raw child output is only ever served this way). */
export function plain(body: string | Uint8Array, status = 200): Response {
  const data = typeof body === "string" ? body : body.slice();
  return new Response(data, { status, headers: securityHeaders("text/plain; charset=utf-8") });
}

/** An error answer: JSON `{ok:false,error:{code,message}}` under /api/, plain text elsewhere. */
export function failure(
  path: string,
  status: number,
  code: string,
  message: string,
  extra: Record<string, string> = {},
): Response {
  const response = path.startsWith("/api/")
    ? json({ ok: false, error: { code, message } }, status)
    : plain(`${status} ${message}\n`, status);
  for (const [key, value] of Object.entries(extra)) response.headers.set(key, value);
  return response;
}

/** {@link failure} with the status the shared table gives `code` (protocol/http_status.ts). */
export function codeFailure(
  path: string,
  code: ErrorCode,
  message: string,
  extra: Record<string, string> = {},
): Response {
  return failure(path, httpStatus(code), code, message, extra);
}

/** The same response without its body (for HEAD), body stream cancelled. */
export function withoutBody(response: Response): Response {
  response.body?.cancel().catch(() => {
    // Cancelling a body nobody will read cannot fail in a way that matters to the client.
  });
  return new Response(null, { status: response.status, headers: response.headers });
}
