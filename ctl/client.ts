/**
 * The controller's side of the control API: typed `call(name, request)` over HTTP on the unix
 * socket (command table in src/protocol/commands.ts) and NDJSON stream reading. Connection
 * failures become exit 3, an API version mismatch exit 1, error envelopes their mapped code.
 */
import {
  type CommandName,
  type CommandTable,
  type Envelope,
  STREAM_ROUTES,
} from "../src/protocol/commands.ts";
import { API_VERSION } from "../src/protocol/version.ts";
import { type Deadline, deadline } from "./deadline.ts";
import { CtlError, EXIT, exitCodeFor } from "./errors.ts";
import { BadAnswerError, exchange, type UnixHttpAnswer } from "./unix_http.ts";

/** How long connecting to the socket may take before the daemon counts as unreachable. */
export const CONNECT_TIMEOUT_MS = 5000;

/** Commands that wait for process outcomes and so get no answer deadline. */
const WAITING_COMMANDS = new Set<CommandName>([
  "start",
  "stop",
  "restart",
  "reload",
  "shutdown",
  "alertTest",
  // Rendering is quick, but a config of thousands of programs should not hit the deadline.
  "export",
]);

/** Answer deadline of every other command: a daemon that accepts but never answers is exit 3. */
export const ANSWER_TIMEOUT_MS = 30_000;

/** Talks to one daemon through its socket; call {@link close} at the end (streams hold a client). */
export class ControlClient {
  readonly socketPath: string;
  readonly #answerTimeoutMs: number;
  #http: Deno.HttpClient | null = null;
  #reachable = false;

  /** @param answerTimeoutMs deadline of commands that do not wait for outcomes (tests shorten it). */
  constructor(socketPath: string, answerTimeoutMs = ANSWER_TIMEOUT_MS) {
    this.socketPath = socketPath;
    this.#answerTimeoutMs = answerTimeoutMs;
  }

  /**
   * Sends one command and returns its result; throws CtlError on any failure. One connection per
   * call, spoken to directly (ctl/unix_http.ts): cheaper for a cold controller than `fetch`.
   */
  async call<K extends CommandName>(
    name: K,
    request: CommandTable[K]["req"],
  ): Promise<CommandTable[K]["res"]> {
    const conn = await connectSocket(this.socketPath);
    let timedOut = false;
    const timer = WAITING_COMMANDS.has(name) ? null : deadline(this.#answerTimeoutMs, () => {
      timedOut = true;
      closeQuietly(conn); // the pending read then fails
    });
    let answer: UnixHttpAnswer;
    try {
      answer = await exchange(conn, "POST", `/v1/${name}`, JSON.stringify(request));
    } catch (error) {
      if (timedOut) {
        throw new CtlError(
          EXIT.unreachable,
          `taskmasterd at ${this.socketPath} did not answer ${name} within ${
            this.#answerTimeoutMs / 1000
          } s`,
        );
      }
      if (error instanceof BadAnswerError) {
        throw new CtlError(EXIT.failed, `bad answer from taskmasterd: ${error.message}`);
      }
      throw new CtlError(
        EXIT.unreachable,
        `cannot talk to taskmasterd at ${this.socketPath}: ${describe(error)}`,
      );
    } finally {
      timer?.cancel();
      closeQuietly(conn);
    }
    this.#checkApi(answer.headers.get("x-taskmaster-api"));
    let envelope: Envelope<CommandTable[K]["res"]>;
    try {
      envelope = JSON.parse(new TextDecoder().decode(answer.body));
    } catch (error) {
      throw new CtlError(EXIT.failed, `bad answer from taskmasterd: ${String(error)}`);
    }
    if (!envelope.ok) {
      throw new CtlError(exitCodeFor(envelope.error.code), envelope.error.message);
    }
    return envelope.result;
  }

  /**
   * Opens an NDJSON stream route and yields each parsed line. The stream ends when the daemon
   * ends it or `signal` aborts.
   */
  async *stream(
    route: keyof typeof STREAM_ROUTES,
    query: Record<string, string>,
    signal?: AbortSignal,
  ): AsyncGenerator<unknown> {
    const params = new URLSearchParams(query).toString();
    const init: RequestInit = signal ? { signal } : {};
    const res = await this.#fetch(`${STREAM_ROUTES[route]}?${params}`, init);
    if (!res.ok || res.body === null) {
      let message = `stream failed with HTTP ${res.status}`;
      let code = EXIT.failed as number;
      try {
        const envelope = await res.json() as Envelope<unknown>;
        if (!envelope.ok) {
          message = envelope.error.message;
          code = exitCodeFor(envelope.error.code);
        }
      } catch (_e) {
        // Not an envelope: keep the HTTP status message.
      }
      throw new CtlError(code, message);
    }
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    try {
      while (true) {
        let step: ReadableStreamReadResult<string>;
        try {
          step = await reader.read();
        } catch (error) {
          if (signal?.aborted) return;
          throw new CtlError(EXIT.unreachable, `lost connection to taskmasterd: ${error}`);
        }
        if (step.done) break;
        buffer += step.value;
        let nl: number;
        while ((nl = buffer.indexOf("\n")) >= 0) {
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + 1);
          if (line !== "") yield JSON.parse(line);
        }
      }
    } finally {
      reader.cancel().catch(() => {/* connection already gone; nothing to release */});
    }
  }

  /** Releases the HTTP client. */
  close(): void {
    this.#http?.close();
    this.#http = null;
  }

  async #fetch(path: string, init: RequestInit): Promise<Response> {
    if (!this.#reachable) {
      await checkReachable(this.socketPath);
      this.#reachable = true;
    }
    this.#http ??= Deno.createHttpClient({ proxy: { transport: "unix", path: this.socketPath } });
    let res: Response;
    try {
      res = await fetch(`http://taskmasterd${path}`, { ...init, client: this.#http });
    } catch (error) {
      if (init.signal?.aborted) throw error;
      throw new CtlError(
        EXIT.unreachable,
        `cannot talk to taskmasterd at ${this.socketPath}: ${describe(error)}`,
      );
    }
    const api = res.headers.get("x-taskmaster-api");
    if (api !== String(API_VERSION)) await res.body?.cancel();
    this.#checkApi(api);
    return res;
  }

  #checkApi(api: string | null | undefined): void {
    if (api === String(API_VERSION)) return;
    throw new CtlError(
      EXIT.failed,
      `taskmasterd at ${this.socketPath} speaks control API ${
        api ?? "(unknown)"
      }, this taskmasterctl needs API ${API_VERSION}: use matching versions`,
    );
  }
}

/**
 * Connects once to the socket with a deadline so "not running", "permission denied" and "hung"
 * each give a precise exit-3 message before any command is sent.
 */
export async function checkReachable(path: string): Promise<void> {
  closeQuietly(await connectSocket(path));
}

/** A connection to the socket within CONNECT_TIMEOUT_MS, or a CtlError (exit 3) saying why not. */
async function connectSocket(path: string): Promise<Deno.Conn> {
  let timer: Deadline | undefined;
  const connecting = Deno.connect({ transport: "unix", path });
  try {
    const timeout = new Promise<null>((resolve) => {
      timer = deadline(CONNECT_TIMEOUT_MS, () => resolve(null));
    });
    const conn = await Promise.race([connecting, timeout]);
    if (conn === null) {
      connecting.then(closeQuietly, () => {/* it failed late; nothing to close */});
      throw new CtlError(EXIT.unreachable, `taskmasterd at ${path} did not answer in time`);
    }
    return conn;
  } catch (error) {
    if (error instanceof CtlError) throw error;
    throw new CtlError(EXIT.unreachable, unreachableMessage(path, error));
  } finally {
    timer?.cancel();
  }
}

function closeQuietly(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch { /* already closed */ }
}

function unreachableMessage(path: string, error: unknown): string {
  if (error instanceof Deno.errors.NotFound) {
    return `no socket at ${path}: is taskmasterd running?`;
  }
  if (error instanceof Deno.errors.ConnectionRefused) {
    return `connection refused at ${path}: taskmasterd is not running (stale socket)`;
  }
  if (error instanceof Deno.errors.PermissionDenied) {
    return `permission denied on ${path}: run as the daemon's user`;
  }
  return `cannot reach taskmasterd at ${path}: ${describe(error)}`;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
