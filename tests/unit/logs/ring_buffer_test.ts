import assert from "node:assert/strict";
import { ByteRing } from "../../../src/logs/ring_buffer.ts";
import { TAIL_BYTES } from "../../../src/logs/types.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Reference model: the last `cap` bytes of everything pushed. */
function model(pushed: number[], cap: number): Uint8Array {
  return Uint8Array.from(pushed.slice(-cap));
}

Deno.test("ByteRing starts empty and keeps short pushes whole", () => {
  const ring = new ByteRing(16);
  assert.equal(ring.snapshot().length, 0);
  ring.push(enc.encode("abc"));
  ring.push(enc.encode("def"));
  assert.equal(dec.decode(ring.snapshot()), "abcdef");
});

Deno.test("ByteRing keeps exactly the last capacity bytes across wraps", () => {
  const ring = new ByteRing(10);
  for (const part of ["0123", "4567", "89ab", "cdef", "g"]) ring.push(enc.encode(part));
  assert.equal(dec.decode(ring.snapshot()), "789abcdefg");
  assert.equal(ring.length, 10);
});

Deno.test("ByteRing with a chunk larger than capacity keeps its tail", () => {
  const ring = new ByteRing(4);
  ring.push(enc.encode("ab"));
  ring.push(enc.encode("0123456789"));
  assert.equal(dec.decode(ring.snapshot()), "6789");
});

Deno.test("ByteRing matches a reference model on random chunk sizes (default capacity)", () => {
  const ring = new ByteRing();
  const pushed: number[] = [];
  let seed = 42;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let round = 0; round < 300; round++) {
    const size = Math.floor(rand() * (rand() < 0.1 ? 3 * TAIL_BYTES : 3000));
    const chunk = new Uint8Array(size);
    for (let i = 0; i < size; i++) chunk[i] = (pushed.length + i) % 251;
    for (const byte of chunk) pushed.push(byte);
    ring.push(chunk);
    if (round % 25 === 0) assert.deepEqual(ring.snapshot(), model(pushed, TAIL_BYTES));
  }
  assert.deepEqual(ring.snapshot(), model(pushed, TAIL_BYTES));
  assert.equal(ring.snapshot().length, TAIL_BYTES);
});

Deno.test("ByteRing copies pushed bytes (caller may reuse its buffer)", () => {
  const ring = new ByteRing(8);
  const chunk = enc.encode("abcd");
  ring.push(chunk);
  chunk.fill(0);
  assert.equal(dec.decode(ring.snapshot()), "abcd");
});

Deno.test("ByteRing subscribers get chunks in order; a throwing one is isolated and removed", () => {
  const ring = new ByteRing(8);
  const seen: string[] = [];
  let throws = 0;
  ring.subscribe(() => {
    throws++;
    throw new Error("gone");
  });
  const off = ring.subscribe((chunk) => seen.push(dec.decode(chunk)));
  ring.push(enc.encode("a"));
  ring.push(enc.encode("b"));
  off();
  ring.push(enc.encode("c"));
  assert.deepEqual(seen, ["a", "b"]);
  assert.equal(throws, 1);
  assert.equal(dec.decode(ring.snapshot()), "abc");
});

Deno.test("ByteRing rejects a non-positive capacity", () => {
  assert.throws(() => new ByteRing(0), RangeError);
});
