/**
 * The control API's HTTP handler (docs/api.md): `POST /v1/<command>` from the shared command table,
 * `GET /v1/events` and `GET /v1/output` as NDJSON streams. It never throws and never rejects:
 * every failure becomes an `{ok:false,error:{code,message}}` envelope with a fitting status.
 */
import {
  type Envelope,
  isCommandName,
  MAX_REQUEST_BYTES,
  STREAM_ROUTES,
} from "../protocol/commands.ts";
import { ProtocolError } from "../protocol/errors.ts";
import { httpStatus } from "../protocol/http_status.ts";
import { API_VERSION } from "../protocol/version.ts";
import { RECENT_EVENTS } from "../events.ts";
import type { SupervisorApi } from "../supervisor/api.ts";
import { dispatchCommand, encodeBase64 } from "./dispatch.ts";
import { ndjsonResponse } from "./ndjson.ts";
import { readBodyCapped } from "../body_reader.ts";
import { checkInt, checkStream, parseBody } from "./request_body.ts";

/** Options of {@link createControlHandler}. */
export interface ControlHandlerOptions {
  /** Called when `shutdown` is requested, before the programs are stopped and it is answered. */
  onShutdownRequested?: () => void;
}

/**
 * Builds the request handler serving the control API over `api`. The returned function always
 * resolves with a Response carrying `X-Taskmaster-Api: API_VERSION`.
 */
export function createControlHandler(
  api: SupervisorApi,
  options: ControlHandlerOptions = {},
): (req: Request) => Promise<Response> {
  return async function handle(req: Request): Promise<Response> {
    try {
      return await route(api, options, req);
    } catch (error) {
      return errorResponse(error);
    }
  };
}

async function route(
  api: SupervisorApi,
  options: ControlHandlerOptions,
  req: Request,
): Promise<Response> {
  const url = new URL(req.url);
  const path = url.pathname;
  if (path === STREAM_ROUTES.events || path === STREAM_ROUTES.output) {
    if (req.method !== "GET") throw new ProtocolError("METHOD_NOT_ALLOWED", `${path} needs GET`);
    return path === STREAM_ROUTES.events
      ? eventsStream(api, url.searchParams)
      : outputStream(api, url.searchParams);
  }
  const name = path.startsWith("/v1/") ? path.slice(4) : "";
  if (!isCommandName(name)) {
    throw new ProtocolError("UNKNOWN_COMMAND", `unknown command: ${printable(path)}`);
  }
  if (req.method !== "POST") throw new ProtocolError("METHOD_NOT_ALLOWED", `${name} needs POST`);
  const body = parseBody(await readBodyCapped(req, MAX_REQUEST_BYTES));
  if (name === "shutdown") {
    // Tell the daemon first, so its log says who asked before the programs stop; the answer
    // still waits for `api.shutdown()`, which the daemon's own shutdown shares.
    try {
      options.onShutdownRequested?.();
    } catch (error) {
      console.error(`control: shutdown hook failed: ${String(error)}`);
    }
  }
  const result = await dispatchCommand(api, name, body);
  return json(200, { ok: true, result });
}

function eventsStream(api: SupervisorApi, query: URLSearchParams): Response {
  const follow = flag(query, "follow");
  const lines = intParam(query, "lines", 0, RECENT_EVENTS) ?? RECENT_EVENTS;
  return ndjsonResponse((sink) => {
    for (const event of api.events.recent(lines)) sink.push(event);
    if (!follow) {
      sink.end();
      return () => {};
    }
    return api.events.subscribe((event) => sink.push(event));
  });
}

function outputStream(api: SupervisorApi, query: URLSearchParams): Response {
  const name = query.get("name");
  if (name === null || name === "") {
    throw new ProtocolError("BAD_REQUEST", "name: must be a non-empty string");
  }
  const stream = checkStream(query.get("stream") ?? "stdout", "stream");
  const follow = flag(query, "follow");
  // Read the tail before answering so an unknown name is a plain error envelope, not a stream.
  const tail = api.tail(name, stream);
  return ndjsonResponse((sink) => {
    // `tail: true` marks the replayed tail so a client can trim it to its last N lines.
    if (tail.byteLength > 0) sink.push({ data: encodeBase64(tail), tail: true });
    if (!follow) {
      sink.end();
      return () => {};
    }
    return api.followOutput(name, stream, (chunk) => sink.push({ data: encodeBase64(chunk) }));
  });
}

function flag(query: URLSearchParams, key: string): boolean {
  const value = query.get(key);
  return value === "1" || value === "true";
}

function intParam(query: URLSearchParams, key: string, min: number, max: number) {
  const raw = query.get(key);
  if (raw === null) return undefined;
  return checkInt(/^\d{1,9}$/.test(raw) ? Number(raw) : NaN, key, min, max);
}

/** Keeps error messages one short printable line, whatever the client sent. */
function printable(text: string): string {
  // deno-lint-ignore no-control-regex
  const clean = text.replace(/[\x00-\x1f\x7f]/g, "?");
  return clean.length > 200 ? `${clean.slice(0, 200)}…` : clean;
}

function json<T>(status: number, envelope: Envelope<T>): Response {
  return new Response(JSON.stringify(envelope), {
    status,
    headers: {
      "content-type": "application/json",
      "x-taskmaster-api": String(API_VERSION),
    },
  });
}

/** Renders any thrown value as an error envelope (INTERNAL for anything not a ProtocolError). */
export function errorResponse(error: unknown): Response {
  if (error instanceof ProtocolError) {
    return json(httpStatus(error.code), {
      ok: false,
      error: { code: error.code, message: printable(error.message) },
    });
  }
  console.error(`control: internal error: ${error instanceof Error ? error.stack : error}`);
  const message = error instanceof Error ? error.message : String(error);
  return json(500, { ok: false, error: { code: "INTERNAL", message: printable(message) } });
}
