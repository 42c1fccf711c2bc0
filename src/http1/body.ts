/**
 * The body of one request on the own HTTP/1.1 server: exactly Content-Length bytes of the
 * connection, read lazily (only as fast as the handler pulls, so the handler's own size cap
 * and body timeout in src/body_reader.ts keep working), never a byte of the next request.
 */
import type { ConnBytes } from "./conn_bytes.ts";

/** A Content-Length request body over a connection's {@link ConnBytes}. */
export class LengthBody {
  /** What the `Request` carries; errors when the peer hangs up before the last byte. */
  readonly stream: ReadableStream<Uint8Array>;
  #bytes: ConnBytes;
  #left: number;
  #detached = false;
  #beforeFirstRead: (() => Promise<unknown>) | null;

  /**
   * Reads `length` bytes from `bytes`. `beforeFirstRead` runs once before the first byte is
   * awaited (it sends `100 Continue` to clients that asked for it).
   */
  constructor(
    bytes: ConnBytes,
    length: number,
    beforeFirstRead: (() => Promise<unknown>) | null,
  ) {
    this.#bytes = bytes;
    this.#left = length;
    this.#beforeFirstRead = beforeFirstRead;
    this.stream = new ReadableStream<Uint8Array>({
      pull: (controller) => this.#pull(controller),
      cancel: () => {
        this.#detached = true;
      },
      // Zero: nothing is read before the handler asks (an eager pull would send 100 Continue).
    }, { highWaterMark: 0 });
  }

  /**
   * Ends the body's claim on the connection once the handler has answered: takes the unread
   * rest if it is already buffered. True when the whole body is consumed, so the connection's
   * framing is intact and it may serve another request.
   */
  finish(): boolean {
    this.#detached = true;
    if (this.#left > 0 && this.#bytes.buffered.length >= this.#left) {
      this.#bytes.take(this.#left);
      this.#left = 0;
    }
    return this.#left === 0;
  }

  async #pull(controller: ReadableStreamDefaultController<Uint8Array>): Promise<void> {
    if (this.#detached) return;
    if (this.#left === 0) {
      controller.close();
      return;
    }
    if (this.#bytes.buffered.length === 0) {
      const before = this.#beforeFirstRead;
      this.#beforeFirstRead = null;
      if (before !== null) await before();
      const more = await this.#bytes.more();
      // Detached meanwhile: the handler answered, and what arrives now is not this body's.
      if (this.#detached) return;
      if (!more) {
        controller.error(new Error("connection closed before the request body was complete"));
        return;
      }
    }
    const chunk = this.#bytes.take(Math.min(this.#left, this.#bytes.buffered.length));
    this.#left -= chunk.length;
    controller.enqueue(chunk);
    if (this.#left === 0) controller.close();
  }
}
