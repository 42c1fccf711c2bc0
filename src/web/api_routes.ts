/**
 * The `/api/*` routes of the :4242 page, called by the handler once every guard passed.
 * Names in URLs are only looked up in the supervisor's status table (the config), never used as
 * paths; an unknown or malformed name is a 404.
 */
import type { SupervisorApi } from "../supervisor/api.ts";
import type { LogEvent, LogLevel, StreamName } from "../protocol/types.ts";
import { ProtocolError } from "../protocol/errors.ts";
import { selectByName } from "../protocol/names.ts";
import { levelAtLeast } from "../events.ts";
import { stripAnsi } from "./html.ts";
import { codeFailure, json, plain, securityHeaders } from "./responses.ts";
import { sseResponse } from "./sse.ts";
import { LEVELS } from "./pages.ts";

/** Largest tail the page serves, whatever `bytes` asks for (B9). */
export const TAIL_CAP = 64 * 1024;
/** Longest name accepted from a URL (names are ≤ 64 characters, plus `:N`). */
const MAX_NAME = 80;

/** Mutating actions, each `POST /api/ACTION/NAME`. */
export type Action = "start" | "stop" | "restart";

/**
 * Decodes one URL path segment into a configured name (`all` allowed when `allowAll`; exactly
 * one process when `processOnly`), resolved like every other name (protocol/names.ts).
 */
export function resolveName(
  api: SupervisorApi,
  segment: string,
  allowAll: boolean,
  processOnly: boolean,
): string | null {
  let name: string;
  try {
    name = decodeURIComponent(segment);
  } catch {
    return null;
  }
  // deno-lint-ignore no-control-regex
  if (name === "" || name.length > MAX_NAME || /[\/\\\x00-\x1f]/.test(name)) return null;
  if (name === "all") return allowAll ? name : null;
  const found = selectByName(api.status([]), name, (status) => status);
  if (found === null || (processOnly && found.length !== 1)) return null;
  return name;
}

/** Maps a supervisor failure to an HTTP answer, with the control API's status for its code. */
export function apiError(path: string, error: unknown): Response {
  if (error instanceof ProtocolError) {
    return codeFailure(path, error.code, error.message);
  }
  return codeFailure(path, "INTERNAL", "internal error");
}

/** `POST /api/ACTION/NAME`: waits like `taskmasterctl` and answers the result array. */
export async function runAction(api: SupervisorApi, action: Action, name: string, path: string) {
  try {
    const names = [name];
    const by = { by: "web" } as const;
    const results = action === "start"
      ? await api.start(names, by)
      : action === "stop"
      ? await api.stop(names, by)
      : await api.restart(names, by);
    return json(results);
  } catch (error) {
    return apiError(path, error);
  }
}

/** Parses `level=` leniently: an unknown level means no filter. */
export function parseLevel(value: string | null): LogLevel {
  return (LEVELS as readonly string[]).includes(value ?? "") ? value as LogLevel : "DEBUG";
}

/** Event filter of `/logs` and `/api/events`: by program (exact) and minimum level. */
export function eventFilter(program: string, level: LogLevel): (event: LogEvent) => boolean {
  return (event) =>
    (program === "" || event.program === program) && levelAtLeast(event.level, level);
}

/**
 * `GET /api/events?program=P&level=L&after=SEQ`: SSE of log events, replaying kept events newer
 * than `after` (or `Last-Event-ID`) before the live ones.
 */
export function eventsStream(api: SupervisorApi, url: URL, req: Request, closed: AbortSignal) {
  const keep = eventFilter(
    url.searchParams.get("program") ?? "",
    parseLevel(url.searchParams.get("level")),
  );
  const afterText = req.headers.get("last-event-id") ?? url.searchParams.get("after");
  const after = afterText !== null && /^\d+$/.test(afterText) ? Number(afterText) : null;
  return sseResponse((send) => {
    const deliver = (event: LogEvent) => {
      if (keep(event)) send({ id: event.seq, event: "log", data: JSON.stringify(event) });
    };
    // Replay and subscribe happen in one synchronous step, so no event falls in between;
    // `last` only guards against delivering a replayed event twice.
    let last = 0;
    if (after !== null) {
      for (const event of api.events.recent()) if (event.seq > after) deliver(event);
      last = Math.max(after, api.events.recent(1)[0]?.seq ?? 0);
    }
    send({ event: "ready", data: "{}" });
    return api.events.subscribe((event) => {
      if (event.seq > last) deliver(event);
    });
  }, { signals: [closed], headers: securityHeaders() });
}

/**
 * `GET /api/output/NAME?stream=S[&bytes=N][&follow=1]`: the raw tail as text/plain (capped at
 * {@link TAIL_CAP}), or with `follow=1` an SSE of new output (ANSI stripped, JSON strings).
 */
export function outputRoute(
  api: SupervisorApi,
  name: string,
  url: URL,
  closed: AbortSignal,
): Response {
  const streamParam = url.searchParams.get("stream") ?? "stdout";
  if (streamParam !== "stdout" && streamParam !== "stderr") {
    return codeFailure(url.pathname, "BAD_REQUEST", "stream must be stdout or stderr");
  }
  const stream: StreamName = streamParam;
  const bytesParam = url.searchParams.get("bytes");
  const wanted = bytesParam !== null && /^\d{1,12}$/.test(bytesParam)
    ? Number(bytesParam)
    : TAIL_CAP;
  const limit = Math.min(wanted, TAIL_CAP);
  if (url.searchParams.get("follow") === "1") {
    try {
      api.status([name]); // BAD_NAME before the stream starts, so it is a clean 404.
    } catch (error) {
      return apiError(url.pathname, error);
    }
    return sseResponse((send) => {
      const decoder = new TextDecoder("utf-8", { fatal: false });
      return api.followOutput(name, stream, (chunk) => {
        const text = stripAnsi(decoder.decode(chunk, { stream: true }));
        if (text !== "") send({ event: "output", data: JSON.stringify(text) });
      });
    }, { signals: [closed], headers: securityHeaders() });
  }
  try {
    const tail = api.tail(name, stream);
    const cut = limit === 0 ? new Uint8Array(0) : tail.subarray(Math.max(0, tail.length - limit));
    return plain(cut);
  } catch (error) {
    return apiError(url.pathname, error);
  }
}
