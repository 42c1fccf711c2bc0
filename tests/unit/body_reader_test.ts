/** The one capped, deadline-bounded request-body reader of the control API and the web page. */
import assert from "node:assert/strict";
import { BODY_TIMEOUT_MS, readBodyCapped } from "../../src/body_reader.ts";
import { ProtocolError } from "../../src/protocol/errors.ts";

function request(body: BodyInit | null, headers: Record<string, string> = {}): Request {
  return new Request("http://x/", { method: "POST", body, headers });
}

/** A body stream that yields `chunks` and then stays open (or closes when `close`). */
function stream(chunks: Uint8Array[], close: boolean): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      if (close) controller.close();
    },
  });
}

async function code(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "none";
  } catch (error) {
    assert(error instanceof ProtocolError, String(error));
    return error.code;
  }
}

Deno.test("reads the whole body, empty or not", async () => {
  assert.deepEqual(await readBodyCapped(request(null), 10), new Uint8Array(0));
  const bytes = await readBodyCapped(
    request(stream([Uint8Array.of(1, 2), Uint8Array.of(3)], true)),
    3,
  );
  assert.deepEqual(bytes, Uint8Array.of(1, 2, 3));
});

Deno.test("over the cap is TOO_LARGE, whether announced or streamed", async () => {
  assert.equal(await code(readBodyCapped(request("x".repeat(11)), 10)), "TOO_LARGE");
  const lying = request(stream([new Uint8Array(8), new Uint8Array(8)], false), {
    "content-length": "4",
  });
  assert.equal(await code(readBodyCapped(lying, 10)), "TOO_LARGE");
});

Deno.test("a stalled body is BAD_REQUEST at the deadline; a broken one too", async () => {
  assert.equal(BODY_TIMEOUT_MS, 10_000);
  const stalled = request(stream([Uint8Array.of(1)], false));
  const started = performance.now();
  assert.equal(await code(readBodyCapped(stalled, 10, 50)), "BAD_REQUEST");
  // Not early; the generous upper bound only catches a timeout that never fires.
  const waited = performance.now() - started;
  assert(waited >= 45 && waited < 30_000, `answered after ${waited.toFixed(0)} ms`);
  const broken = request(
    new ReadableStream({
      pull(controller) {
        controller.error(new Error("connection reset"));
      },
    }),
  );
  assert.equal(await code(readBodyCapped(broken, 10)), "BAD_REQUEST");
});
