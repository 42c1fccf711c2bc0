/**
 * A bounded byte ring: the in-memory tail of one output stream, plus live fan-out of the chunks
 * pushed into it (`tail -f`, the web page's live log).
 */
import { TAIL_BYTES } from "./types.ts";

/** Zero-length storage of a ring that holds nothing; never written to (see #grow). */
const EMPTY = new Uint8Array(0);

/** Receives each chunk pushed into a ring. The chunk must be treated as read-only. */
export type ChunkListener = (chunk: Uint8Array) => void;

/**
 * Keeps the last `capacity` bytes pushed into it. Storage grows on demand (an idle stream costs
 * nothing, a quiet one a few hundred bytes) and never exceeds `capacity`.
 */
export class ByteRing {
  readonly #capacity: number;
  // Shared while nothing was pushed: a ring per captured stream, most of them idle.
  #buf: Uint8Array = EMPTY;
  /** Index of the oldest byte in #buf. */
  #start = 0;
  /** Bytes currently held. */
  #length = 0;
  /** Created on the first subscribe: most rings are never followed. */
  #listeners: Set<ChunkListener> | null = null;

  /** @param capacity maximum bytes kept (default {@link TAIL_BYTES}). */
  constructor(capacity: number = TAIL_BYTES) {
    if (!Number.isInteger(capacity) || capacity <= 0) {
      throw new RangeError(`ring capacity must be a positive integer (got ${capacity})`);
    }
    this.#capacity = capacity;
  }

  /** Bytes currently held (≤ capacity). */
  get length(): number {
    return this.#length;
  }

  /**
   * Appends a chunk (copied; the caller may reuse it) and hands the original chunk to every
   * listener. A throwing listener is removed and never stops the others or the caller.
   */
  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.#store(chunk);
    const listeners = this.#listeners;
    if (listeners === null || listeners.size === 0) return;
    for (const listener of [...listeners]) {
      try {
        listener(chunk);
      } catch {
        // A listener is a reader that went away (closed socket, closed page); dropping it is the
        // whole remedy, and the capture that called push must carry on unaffected.
        listeners.delete(listener);
      }
    }
  }

  /** A copy of the held bytes, oldest first. */
  snapshot(): Uint8Array {
    const out = new Uint8Array(this.#length);
    const size = this.#buf.length;
    const first = Math.min(this.#length, size - this.#start);
    out.set(this.#buf.subarray(this.#start, this.#start + first), 0);
    if (first < this.#length) out.set(this.#buf.subarray(0, this.#length - first), first);
    return out;
  }

  /** Registers a listener for future chunks; returns the function that removes it. */
  subscribe(listener: ChunkListener): () => void {
    const listeners = (this.#listeners ??= new Set());
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  }

  /** Drops the held bytes (listeners stay). */
  clear(): void {
    this.#buf = EMPTY;
    this.#start = 0;
    this.#length = 0;
  }

  #store(chunk: Uint8Array): void {
    const cap = this.#capacity;
    if (chunk.length >= cap) {
      if (this.#buf.length !== cap) this.#buf = new Uint8Array(cap);
      this.#buf.set(chunk.subarray(chunk.length - cap));
      this.#start = 0;
      this.#length = cap;
      return;
    }
    const need = this.#length + chunk.length;
    if (need > this.#buf.length && this.#buf.length < cap) this.#grow(need);
    const size = this.#buf.length;
    // Write position just after the newest byte; wrap in at most two copies.
    let pos = (this.#start + this.#length) % size;
    const first = Math.min(chunk.length, size - pos);
    this.#buf.set(chunk.subarray(0, first), pos);
    if (first < chunk.length) this.#buf.set(chunk.subarray(first), 0);
    pos = (pos + chunk.length) % size;
    const overflow = need - size;
    if (overflow > 0) {
      // The oldest bytes were overwritten: the ring is full and starts right after the newest.
      this.#start = pos;
      this.#length = size;
    } else {
      this.#length = need;
    }
  }

  #grow(need: number): void {
    let size = Math.max(256, this.#buf.length);
    while (size < need) size *= 2;
    size = Math.min(size, this.#capacity);
    const next = new Uint8Array(size);
    next.set(this.snapshot());
    this.#buf = next;
    this.#start = 0;
  }
}
