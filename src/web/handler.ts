/**
 * The fetch handler of the :4242 page: guards (Host, token, cross-site, CSRF, body cap), then
 * routing to pages, static assets and `/api/*`. Pure: it needs no listener, so tests call it with
 * `new Request(...)`. GET and HEAD never change state.
 */
import type { HttpSpec } from "../config/types.ts";
import type { SupervisorApi } from "../supervisor/api.ts";
import { APP_CSS } from "./assets_css.ts";
import { APP_JS } from "./assets_js.ts";
import {
  constantTimeEqual,
  crossSite,
  csrfAccepted,
  hostAllowed,
  mutationFromOtherOrigin,
  tokenAccepted,
  tokenCookie,
} from "./guard.ts";
import {
  type Action,
  apiError,
  eventFilter,
  eventsStream,
  outputRoute,
  parseLevel,
  resolveName,
  runAction,
} from "./api_routes.ts";
import { dashboardPage, logsPage } from "./pages.ts";
import { METRICS_CONTENT_TYPE, renderMetrics } from "./metrics.ts";
import { readBodyCapped } from "../body_reader.ts";
import { codeFailure, failure, html, json, securityHeaders, withoutBody } from "./responses.ts";

/** Largest request body accepted (the API takes none; this only bounds what is drained). */
export const BODY_CAP = 16 * 1024;

/** Options of {@link createWebHandler}. */
export interface WebHandlerOptions {
  /** The listener's settings (allowed host, optional bearer token). */
  http: HttpSpec;
  /** This run's CSRF token (128+ random bits), echoed in every page's meta tag. */
  csrfToken: string;
  /** The port actually bound (known only after listening when `port: 0`). */
  port: () => number;
  /** Aborted when the server closes: ends every open SSE stream. */
  signal?: AbortSignal;
}

const GET_ROUTES = [
  "/",
  "/logs",
  "/static/app.js",
  "/static/app.css",
  "/api/status",
  "/api/daemon",
  "/api/events",
  "/metrics",
];
const ACTION_RE = /^\/api\/(start|stop|restart)\/([^/]+)$/;
const OUTPUT_RE = /^\/api\/output\/([^/]+)$/;

/**
 * Builds the web handler. Every response carries the security headers of `responses.ts`;
 * checks run in the order of docs/web.md "Guards": bad Host 403, bad token 401, cross-site 403,
 * wrong method 405, bad CSRF 403, unknown NAME 404.
 */
export function createWebHandler(
  api: SupervisorApi,
  options: WebHandlerOptions,
): (req: Request) => Promise<Response> {
  const closed = options.signal ?? new AbortController().signal;
  return async (req: Request): Promise<Response> => {
    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      return codeFailure("/", "BAD_REQUEST", "bad request URL");
    }
    const path = url.pathname;
    if (!hostAllowed(req.headers.get("host"), options.http, options.port())) {
      return codeFailure(path, "FORBIDDEN", "host not allowed");
    }
    const token = options.http.token;
    const offered = url.searchParams.get("token");
    if (token !== null && path === "/" && offered !== null && req.method === "GET") {
      if (!constantTimeEqual(offered, token)) return unauthorized(path);
      // Drop the token from the address bar (and history) once the cookie holds it.
      const headers = securityHeaders();
      headers.set("location", "/");
      headers.set("set-cookie", tokenCookie(token));
      return new Response(null, { status: 303, headers });
    }
    if (!tokenAccepted(req, token)) return unauthorized(path);
    if (crossSite(req)) return codeFailure(path, "FORBIDDEN", "cross-site request refused");

    const action = ACTION_RE.exec(path);
    if (action !== null) {
      if (req.method !== "POST") return notAllowed(path, "POST");
      if (mutationFromOtherOrigin(req) || !csrfAccepted(req, options.csrfToken)) {
        return codeFailure(path, "FORBIDDEN", "missing or bad CSRF token");
      }
      const bodyProblem = await drainBody(req);
      if (bodyProblem !== null) return bodyProblem;
      const name = resolveName(api, action[2] ?? "", true, false);
      if (name === null) return codeFailure(path, "BAD_NAME", "no such process");
      return await runAction(api, action[1] as Action, name, path);
    }

    const isGetRoute = GET_ROUTES.includes(path) || OUTPUT_RE.test(path);
    if (!isGetRoute) return failure(path, 404, "NOT_FOUND", "not found");
    if (req.method !== "GET" && req.method !== "HEAD") return notAllowed(path, "GET, HEAD");
    const response = route(api, options, url, req, closed);
    return req.method === "HEAD" ? withoutBody(response) : response;
  };
}

function route(
  api: SupervisorApi,
  options: WebHandlerOptions,
  url: URL,
  req: Request,
  closed: AbortSignal,
): Response {
  const path = url.pathname;
  try {
    switch (path) {
      case "/":
        return html(dashboardPage(api.status([]), api.info(), options.csrfToken, Date.now()));
      case "/logs": {
        const program = url.searchParams.get("program") ?? "";
        const level = parseLevel(url.searchParams.get("level"));
        const events = api.events.recent().filter(eventFilter(program, level));
        const programs = [...new Set(api.status([]).map((s) => s.program))];
        return html(logsPage(events, programs, { program, level }, options.csrfToken));
      }
      case "/static/app.js":
        return asset(APP_JS, "text/javascript; charset=utf-8");
      case "/static/app.css":
        return asset(APP_CSS, "text/css; charset=utf-8");
      case "/api/status":
        return json(api.status([]));
      case "/api/daemon":
        return json(api.info());
      case "/api/events":
        return eventsStream(api, url, req, closed);
      case "/metrics":
        return metrics(api);
    }
    const segment = OUTPUT_RE.exec(path)?.[1] ?? "";
    const name = resolveName(api, segment, false, true);
    if (name === null) return codeFailure(path, "BAD_NAME", "no such process");
    return outputRoute(api, name, url, closed);
  } catch (error) {
    return apiError(path, error);
  }
}

function asset(body: string, contentType: string): Response {
  const response = new Response(body, { headers: securityHeaders(contentType) });
  // Assets are embedded in this build; a revalidation costs nothing and avoids stale scripts.
  response.headers.set("cache-control", "no-cache");
  return response;
}

/**
 * `GET /metrics`. `Server-Timing` carries the daemon time spent composing the answer (status,
 * facts, text), so a scraper can tell it apart from transport and client latency.
 */
function metrics(api: SupervisorApi): Response {
  const began = performance.now();
  const body = renderMetrics(api.status([]), api.info());
  const headers = securityHeaders(METRICS_CONTENT_TYPE);
  headers.set("server-timing", `render;dur=${(performance.now() - began).toFixed(3)}`);
  return new Response(body, { headers });
}

function unauthorized(path: string): Response {
  return codeFailure(path, "UNAUTHORIZED", "token required", {
    "www-authenticate": 'Bearer realm="taskmaster"',
  });
}

function notAllowed(path: string, allow: string): Response {
  return codeFailure(path, "METHOD_NOT_ALLOWED", "method not allowed", { allow });
}

/**
 * Reads and discards the request body (at most {@link BODY_CAP}, within the shared body
 * deadline); returns the error answer (413 over the cap, 400 too slow or broken), else null.
 */
async function drainBody(req: Request): Promise<Response | null> {
  try {
    await readBodyCapped(req, BODY_CAP);
    return null;
  } catch (error) {
    return apiError(new URL(req.url).pathname, error);
  }
}
