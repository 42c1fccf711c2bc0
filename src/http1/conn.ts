/**
 * One connection of the own HTTP/1.1 server (control socket, :4242): judges the request line as it
 * arrives, reads request heads under a deadline and size caps, calls the handler, writes the reply
 * (whole with Content-Length, or chunked for NDJSON and SSE streams so they flow as produced), keeps
 * the connection alive between requests within an idle timeout, and ends a reply's stream
 * (releasing its source, aborting the request's signal) when the client hangs up or the server
 * closes.
 */
import { ConnBytes } from "./conn_bytes.ts";
import { LengthBody } from "./body.ts";
import {
  encodeRefusal,
  encodeResponseHead,
  findHeadEnd,
  HeadError,
  leadingBlankBytes,
  MAX_HEAD_BYTES,
  oversizeStatus,
  parseHead,
  type RequestHead,
  requestLineProblem,
} from "./head.ts";

/** What a handler learns besides the request: the part of `Deno.ServeHandlerInfo` it has. */
export interface Http1Info {
  /** The peer's address (a `Deno.NetAddr` over TCP, a `Deno.UnixAddr` on a unix socket). */
  remoteAddr: Deno.Addr;
}

/** A request handler; `request.signal` is aborted when the client hangs up before the reply. */
export type Http1Handler = (request: Request, info: Http1Info) => Promise<Response>;

/** Limits and callbacks one connection needs (all times in milliseconds). */
export interface ConnSettings {
  handler: Http1Handler;
  /** Gets handler failures and internal bugs; never a client's misbehaviour. */
  report: (error: unknown) => void;
  /** From accept (first request) or from its first byte (later ones) to a complete head. */
  headerTimeoutMs: number;
  /** How long a kept-alive connection may wait for the first byte of its next request. */
  idleTimeoutMs: number;
  /** How long one write may stay blocked by a client that does not read. */
  writeTimeoutMs: number;
}

type Phase = "idle" | "head" | "busy";
type Chunk = ReadableStreamReadResult<Uint8Array>;

const ENCODER = new TextEncoder();
const CONTINUE = ENCODER.encode("HTTP/1.1 100 Continue\r\n\r\n");
const CRLF = ENCODER.encode("\r\n");
const LAST_CHUNK = ENCODER.encode("0\r\n\r\n");
/** Replies streamed as produced (chunked); any other body is sent whole. */
const STREAMED = /^\s*(application\/x-ndjson|text\/event-stream)\b/i;
const DONE: Chunk = { done: true } as Chunk;
const LF = 0x0a;
/** Longest a refused connection lingers for the client's leftover bytes, and most it drops. */
const LINGER_MS = 500;
const LINGER_BYTES = 256 * 1024;

/** Serves requests on one accepted connection until either side ends it. */
export class Http1Connection {
  /** Settles (never rejects) once the connection is closed and its last reply is over. */
  readonly done: Promise<void>;
  #conn: Deno.Conn;
  #bytes: ConnBytes;
  #settings: ConnSettings;
  #phase: Phase = "idle";
  #closed = false;
  #serverClosing = false;
  /** No more requests; the reply in progress only sends what its source has ready. */
  #ending = false;
  #wake: (() => void) | null = null;
  /** Bumped as each exchange starts and ends: a hang-up watcher serves one exchange only. */
  #reply = 0;
  #watched = 0;
  /** Aborts the request's signal of the exchange in progress. */
  #aborter: AbortController | null = null;

  /** Starts serving `conn` (which it now owns and closes). */
  constructor(conn: Deno.Conn, settings: ConnSettings) {
    this.#conn = conn;
    this.#bytes = new ConnBytes(conn);
    this.#settings = settings;
    this.done = this.#run();
  }

  /** True between requests or inside a request head: what the server may evict under load. */
  get evictable(): boolean {
    return this.#phase !== "busy";
  }

  /** Closes the connection now, whatever it is doing. */
  abort(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#aborter?.abort();
    try {
      this.#conn.close();
    } catch (error) {
      this.#settings.report(error);
    }
  }

  /**
   * Server shutdown: a connection between requests or inside a head closes now; a request in
   * progress gets its answer (with `connection: close`), a stream only what is ready, then ends.
   */
  shutdown(): void {
    this.#serverClosing = true;
    if (this.#phase === "busy") this.#end();
    else this.abort();
  }

  async #run(): Promise<void> {
    try {
      let first = true;
      while (!this.#serverClosing && !this.#closed) {
        const head = await this.#readHead(first);
        first = false;
        if (head === null || !(await this.#exchange(head))) break;
      }
    } catch (error) {
      this.#settings.report(error); // a bug here; the connection is dropped, the server lives on
    } finally {
      this.abort();
    }
  }

  /** The next request head, or null when the connection should close (refusal already sent). */
  async #readHead(first: boolean): Promise<RequestHead | null> {
    this.#phase = "idle";
    const bytes = this.#bytes;
    // The first request's deadline runs from accept: a client that connects and says nothing is
    // a stalled head too. Later requests get the idle timeout, then a fresh head deadline.
    let deadline = timer(first ? this.#settings.headerTimeoutMs : this.#settings.idleTimeoutMs);
    let scanned = 0;
    // The request line is judged as its bytes arrive, until its line feed is in.
    let lineDone = false;
    try {
      while (true) {
        const blank = leadingBlankBytes(bytes.buffered);
        if (blank > 0) bytes.take(blank);
        const buf = bytes.buffered;
        if (buf.length > 0 && this.#phase === "idle") {
          this.#phase = "head";
          scanned = 0;
          if (!first) {
            deadline.cancel();
            deadline = timer(this.#settings.headerTimeoutMs);
          }
        }
        if (!lineDone && buf.length > 0) {
          const problem = requestLineProblem(buf);
          if (problem !== null) return await this.#refuse(400, problem);
          lineDone = buf.subarray(0, MAX_HEAD_BYTES).includes(LF);
        }
        const end = findHeadEnd(buf, Math.max(0, scanned - 3));
        if (end >= 0 && end <= MAX_HEAD_BYTES) return parseHead(bytes.take(end));
        if (buf.length > MAX_HEAD_BYTES) {
          return await this.#refuse(oversizeStatus(buf), "request head too large");
        }
        scanned = buf.length;
        const got = await Promise.race([bytes.more(), deadline.expired]);
        if (got === "timeout") {
          // Mid-head: say why. Between requests: just close, as idle keep-alive peers expect.
          if (this.#phase === "head") return await this.#refuse(408, "request head timed out");
          return null;
        }
        if (!got) {
          if (this.#phase === "head") return await this.#refuse(400, "incomplete request head");
          return null;
        }
        if (this.#closed) return null;
      }
    } catch (error) {
      if (error instanceof HeadError) return await this.#refuse(error.status, error.message);
      throw error;
    } finally {
      deadline.cancel();
    }
  }

  async #refuse(status: number, message: string): Promise<null> {
    if (await this.#write(encodeRefusal(status, message))) await this.#linger();
    return null;
  }

  /**
   * After a refusal: half-closes (the client sees the end at once), then drops what the client
   * still sends for a moment before the caller closes. Closing with unread bytes resets the
   * connection, which can destroy the refusal before the client has read it (hence nginx's
   * lingering close). Bounded in time and bytes; the connection stays evictable meanwhile.
   */
  async #linger(): Promise<void> {
    try {
      await this.#conn.closeWrite();
    } catch (_e) {
      return; // already gone
    }
    const until = timer(LINGER_MS);
    try {
      for (let dropped = 0; !this.#closed && dropped < LINGER_BYTES;) {
        dropped += this.#bytes.take(this.#bytes.buffered.length).length;
        if ((await Promise.race([this.#bytes.more(), until.expired])) !== true) return;
      }
    } finally {
      until.cancel();
    }
  }

  /** Serves one request; true when the connection may carry another. */
  async #exchange(head: RequestHead): Promise<boolean> {
    this.#phase = "busy";
    const reply = ++this.#reply;
    this.#aborter = new AbortController();
    try {
      return await this.#serve(head, reply, this.#aborter.signal);
    } finally {
      this.#reply++; // stops this exchange's hang-up watcher
      this.#aborter = null;
    }
  }

  async #serve(head: RequestHead, reply: number, signal: AbortSignal): Promise<boolean> {
    const { method, contentLength } = head;
    // GET and HEAD may not carry a body into a Request: such a body is left unread (and the
    // connection closed after the answer, since its framing is then lost).
    const hasBody = contentLength > 0 && method !== "GET" && method !== "HEAD";
    // Usually the whole (small) body came with the head: hand it over as bytes, which is much
    // cheaper than a stream; otherwise stream it as the handler reads.
    const whole = hasBody && this.#bytes.buffered.length >= contentLength;
    const body = hasBody && !whole
      ? new LengthBody(
        this.#bytes,
        contentLength,
        head.expectContinue ? () => this.#write(CONTINUE) : null,
      )
      : null;
    let request: Request;
    try {
      const bytes = whole ? this.#bytes.take(contentLength) : body?.stream ?? null;
      request = new Request(head.url, { method, headers: head.headers, body: bytes, signal });
    } catch (error) {
      // Forbidden methods (TRACE, CONNECT), header values fetch refuses (NUL, …).
      await this.#refuse(400, error instanceof Error ? error.message : String(error));
      return false;
    }
    // With the body in hand, any further read can only notice a hang-up (or pipelined bytes).
    if (body === null) this.#watch(reply);
    let response: Response;
    try {
      response = await this.#settings.handler(request, { remoteAddr: this.#conn.remoteAddr });
    } catch (error) {
      this.#settings.report(error);
      response = new Response("internal error\n", { status: 500 });
    }
    const consumed = contentLength === 0 || whole || (body !== null && body.finish());
    const keep = head.keepAlive && consumed && !this.#serverClosing && !this.#bytes.ended;
    const delivered = await this.#respond(
      response,
      method === "HEAD",
      head.minor === 1,
      keep,
      reply,
    );
    return delivered && keep;
  }

  async #respond(
    response: Response,
    isHead: boolean,
    chunked: boolean,
    keep: boolean,
    reply: number,
  ): Promise<boolean> {
    const { status, headers, body } = response;
    if (body === null || isHead || status === 204 || status === 304) {
      body?.cancel().catch((error) => this.#settings.report(error));
      const framing = body === null && !isHead ? "content-length: 0" : "";
      return await this.#write(encodeResponseHead(status, headers, framing, !keep));
    }
    if (!STREAMED.test(headers.get("content-type") ?? "")) {
      // A fixed reply (JSON envelope, text): read whole and sent in one write with its length,
      // which skips the stream machinery on the hot path of every control command.
      let bytes: Uint8Array;
      try {
        bytes = new Uint8Array(await response.arrayBuffer());
      } catch (error) {
        this.#settings.report(error);
        return false;
      }
      const head = encodeResponseHead(status, headers, `content-length: ${bytes.length}`, !keep);
      return await this.#write(concat([head, bytes]));
    }
    const reader = body.getReader();
    if (this.#bytes.ended) this.#end();
    else this.#watch(reply);
    // HTTP/1.0 knows no chunked coding: its body is ended by closing (keep is false for 1.0).
    let out: Uint8Array[] = [
      encodeResponseHead(status, headers, chunked ? "transfer-encoding: chunked" : "", !keep),
    ];
    let finished = false;
    try {
      let pending = reader.read();
      while (true) {
        // Flush what is pending (at first the head) unless the next chunk is ready at once: a
        // stream's first bytes may be a long time coming, a fixed tail is there immediately.
        if (out.length > 0 && !(await settlesAtOnce(pending))) {
          if (!(await this.#write(concat(out)))) return false;
          out = [];
        }
        const step = await this.#nextChunk(reader, pending);
        if (step.done) {
          if (chunked) out.push(LAST_CHUNK);
          finished = true;
          return await this.#write(concat(out));
        }
        if (!chunked) {
          out.push(step.value);
        } else if (step.value.length > 0) {
          out.push(ENCODER.encode(`${step.value.length.toString(16)}\r\n`), step.value, CRLF);
        }
        pending = reader.read();
      }
    } finally {
      this.#wake = null;
      // Not finished: the client is gone; cancelling releases the source (a subscription).
      if (!finished) reader.cancel().catch((error) => this.#settings.report(error));
    }
  }

  /** The next chunk of a reply's source; once ending, only what the source has ready. */
  async #nextChunk(
    reader: ReadableStreamDefaultReader<Uint8Array>,
    pending: Promise<Chunk>,
  ): Promise<Chunk> {
    try {
      if (!this.#ending) {
        const woken = new Promise<"end">((resolve) => (this.#wake = () => resolve("end")));
        const first = await Promise.race([pending, woken]);
        this.#wake = null;
        if (first !== "end") return first;
      }
      // One macrotask of grace: a fixed body (or a stream's already-queued data) resolves
      // within microtasks, so only a source that would wait for new data is cut here.
      let handle: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<"late">((resolve) => (handle = setTimeout(resolve, 0, "late")));
      const first = await Promise.race([pending, late]);
      clearTimeout(handle);
      if (first === "late") await reader.cancel();
      return await pending;
    } catch (_e) {
      // The source failed: end the reply cleanly (the old Deno.serve wrapper did the same).
      return DONE;
    }
  }

  /** Starts (once per exchange) the hang-up watcher of exchange `reply`. */
  #watch(reply: number): void {
    if (this.#watched === reply) return;
    this.#watched = reply;
    void this.#watchHangUp(reply);
  }

  /**
   * During an exchange, reads ahead only to notice a client that hangs up: then the request's
   * signal is aborted and a streamed reply ends.
   */
  async #watchHangUp(reply: number): Promise<void> {
    while (reply === this.#reply && this.#bytes.buffered.length <= MAX_HEAD_BYTES) {
      if (!(await this.#bytes.more())) {
        if (reply !== this.#reply) return;
        this.#aborter?.abort();
        this.#end();
        return;
      }
    }
  }

  #end(): void {
    this.#ending = true;
    this.#wake?.();
  }

  /** Writes all of `bytes`; false when the peer is gone or stopped reading for too long. */
  async #write(bytes: Uint8Array): Promise<boolean> {
    if (this.#closed) return false;
    const stalled = setTimeout(() => this.abort(), this.#settings.writeTimeoutMs);
    try {
      for (let offset = 0; offset < bytes.length;) {
        offset += await this.#conn.write(bytes.subarray(offset));
      }
      return true;
    } catch (_e) {
      // EPIPE/ECONNRESET from a vanished client, or our own abort: the reply cannot be delivered.
      return false;
    } finally {
      clearTimeout(stalled);
    }
  }
}

function timer(ms: number): { expired: Promise<"timeout">; cancel(): void } {
  let handle: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<"timeout">((resolve) => {
    handle = setTimeout(resolve, ms, "timeout");
  });
  return { expired, cancel: () => clearTimeout(handle) };
}

/** True when `pending` settles before a microtask queued now would run twice. */
function settlesAtOnce(pending: Promise<unknown>): Promise<boolean> {
  const flag = pending.then(() => true, () => true);
  return Promise.race([flag, Promise.resolve().then(() => false)]);
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1 && parts[0] !== undefined) return parts[0];
  let size = 0;
  for (const part of parts) size += part.length;
  const out = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
