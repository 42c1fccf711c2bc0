/** Line-oriented request/answer over a child's stdin/stdout (used for the PM2 probe and bare loop). */

/** Reads a child's stdout as lines and writes lines to its stdin. */
export class LineChannel {
  #reader: ReadableStreamDefaultReader<string>;
  #writer: WritableStreamDefaultWriter<Uint8Array>;
  #buffer = "";
  #waiters: Array<(line: string | null) => void> = [];
  #queue: string[] = [];
  #ended = false;

  /** Reads lines from `input` (e.g. a child's stdout) and writes lines to `output` (its stdin). */
  constructor(input: ReadableStream<Uint8Array>, output: WritableStream<Uint8Array>) {
    this.#reader = input.pipeThrough(new TextDecoderStream()).getReader();
    this.#writer = output.getWriter();
    this.#pump().catch((error) => console.error(`line channel: ${error}`));
  }

  async #pump(): Promise<void> {
    while (true) {
      const { value, done } = await this.#reader.read();
      if (done) break;
      this.#buffer += value;
      let at: number;
      while ((at = this.#buffer.indexOf("\n")) >= 0) {
        this.#deliver(this.#buffer.slice(0, at));
        this.#buffer = this.#buffer.slice(at + 1);
      }
    }
    this.#ended = true;
    for (const waiter of this.#waiters.splice(0)) waiter(null);
  }

  #deliver(line: string): void {
    const waiter = this.#waiters.shift();
    if (waiter) waiter(line);
    else this.#queue.push(line);
  }

  /** Next line (null at EOF); throws after `timeoutMs`. */
  next(timeoutMs: number): Promise<string | null> {
    const queued = this.#queue.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.#ended) return Promise.resolve(null);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const index = this.#waiters.indexOf(waiter);
        if (index >= 0) this.#waiters.splice(index, 1);
        reject(new Error(`no line within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = (line: string | null) => {
        clearTimeout(timer);
        resolve(line);
      };
      this.#waiters.push(waiter);
    });
  }

  /** Writes one line. */
  async send(line: string): Promise<void> {
    await this.#writer.write(new TextEncoder().encode(line + "\n"));
  }

  /** Closes only the output side (the child sees EOF on stdin); reading goes on to EOF. */
  async endInput(): Promise<void> {
    await this.#writer.close().catch((error) => console.error(`closing stdin: ${error}`));
  }

  /** Closes stdin (the child sees EOF) and releases the reader. */
  async close(): Promise<void> {
    await this.#writer.close().catch((error) => console.error(`closing stdin: ${error}`));
    await this.#reader.cancel().catch((error) => console.error(`closing stdout: ${error}`));
  }
}
