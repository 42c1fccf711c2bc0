/**
 * Buffered reading from one connection for the own HTTP/1.1 server: unconsumed bytes stay in a
 * buffer the parser inspects, and at most one read is ever in flight, shared by every waiter (the
 * head parser, the request body, the hang-up watcher during an exchange, the lingering close).
 */

const READ_SIZE = 16 * 1024;
const EMPTY = new Uint8Array(0);
/** Most idle read buffers kept for reuse (one is lent to each read in flight). */
const POOL_MAX = 16;
// Read buffers are lent per read, not owned per connection: what a read got is copied out at
// once, so short-lived abusive connections do not leave a 16 KiB buffer each for the GC.
const pool: Uint8Array<ArrayBuffer>[] = [];

/** The byte source of one connection. Never throws: a reset or local close reads as the end. */
export class ConnBytes {
  #conn: Deno.Conn;
  #buf: Uint8Array<ArrayBuffer> = EMPTY;
  #pending: Promise<boolean> | null = null;
  #ended = false;

  /** Reads from `conn` (which the caller keeps owning and closing). */
  constructor(conn: Deno.Conn) {
    this.#conn = conn;
  }

  /** Bytes received and not yet taken. */
  get buffered(): Uint8Array<ArrayBuffer> {
    return this.#buf;
  }

  /** True once the peer ended its side (or the connection failed or was closed). */
  get ended(): boolean {
    return this.#ended;
  }

  /**
   * Resolves true once more bytes were appended to {@link buffered}, false at the end of the
   * stream. Concurrent callers share the same read; the promise never rejects.
   */
  more(): Promise<boolean> {
    if (this.#ended) return Promise.resolve(false);
    this.#pending ??= this.#readOnce().finally(() => {
      this.#pending = null;
    });
    return this.#pending;
  }

  /** Removes and returns the first `n` buffered bytes (a view: buffers are never mutated). */
  take(n: number): Uint8Array<ArrayBuffer> {
    const out = this.#buf.subarray(0, n);
    this.#buf = n >= this.#buf.length ? EMPTY : this.#buf.subarray(n);
    return out;
  }

  async #readOnce(): Promise<boolean> {
    const chunk = pool.pop() ?? new Uint8Array(READ_SIZE);
    let n: number | null;
    try {
      n = await this.#conn.read(chunk);
    } catch (_e) {
      // ECONNRESET from a vanished client, or Interrupted/BadResource after our own close():
      // either way nothing more will arrive, which is exactly what the end of stream says.
      n = null;
    }
    const got = n === null ? null : chunk.slice(0, n);
    if (pool.length < POOL_MAX) pool.push(chunk);
    if (got === null) {
      this.#ended = true;
      return false;
    }
    if (this.#buf.length === 0) {
      this.#buf = got;
    } else {
      const joined = new Uint8Array(this.#buf.length + got.length);
      joined.set(this.#buf);
      joined.set(got, this.#buf.length);
      this.#buf = joined;
    }
    return true;
  }
}
