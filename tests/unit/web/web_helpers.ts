/**
 * Shared setup of the web handler tests: a fake supervisor, a handler on port 4242, and a
 * request builder that sends a valid Host unless told otherwise.
 */
import { createWebHandler } from "../../../src/web/handler.ts";
import type { HttpSpec } from "../../../src/config/types.ts";
import { FakeSupervisor } from "../../helpers/fake_supervisor.ts";

/** The CSRF token every test handler uses. */
export const CSRF = "c".repeat(64);

/** A fake with `web` (2 instances), `worker` and `db`, and a handler over it. */
export function setup(http: Partial<HttpSpec> = {}) {
  const api = new FakeSupervisor([["web", 2], ["worker", 1], ["db", 1]]);
  const closing = new AbortController();
  const handler = createWebHandler(api, {
    http: { host: "127.0.0.1", port: 4242, token: null, ...http },
    csrfToken: CSRF,
    port: () => 4242,
    signal: closing.signal,
  });
  return { api, handler, closing };
}

/** Builds a request to `path` on 127.0.0.1:4242; `host: null` omits Host. */
export function req(
  path: string,
  init: {
    method?: string;
    headers?: Record<string, string>;
    host?: string | null;
    body?: BodyInit;
  } = {},
): Request {
  const headers = new Headers(init.headers ?? {});
  if (init.host !== null) headers.set("host", init.host ?? "127.0.0.1:4242");
  const requestInit: RequestInit = { method: init.method ?? "GET", headers };
  if (init.body !== undefined) requestInit.body = init.body;
  return new Request(`http://127.0.0.1:4242${path}`, requestInit);
}

/** A POST with the right CSRF header. */
export function post(path: string, headers: Record<string, string> = {}): Request {
  return req(path, { method: "POST", headers: { "x-csrf-token": CSRF, ...headers } });
}

/** Reads SSE text from a response until `done(text)` holds, then cancels the stream. */
export async function readSse(
  response: Response,
  done: (text: string) => boolean,
  timeoutMs = 3000,
): Promise<string> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<"timeout">((r) => timer = setTimeout(() => r("timeout"), timeoutMs));
  try {
    while (!done(text)) {
      const next = await Promise.race([reader.read(), timeout]);
      if (next === "timeout") throw new Error(`SSE timeout; got: ${text}`);
      if (next.done) break;
      text += decoder.decode(next.value, { stream: true });
    }
    return text;
  } finally {
    clearTimeout(timer);
    await reader.cancel();
  }
}
