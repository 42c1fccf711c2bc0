/**
 * NDJSON streaming responses: one JSON value per line, fed by a push-style source, with a bound on
 * what a slow reader may leave queued and clean teardown when the client goes away.
 */
import { API_VERSION } from "../protocol/version.ts";

/** Bytes a reader may leave unread before its stream is ended (keeps a stuck client bounded). */
export const MAX_QUEUED_BYTES = 4 * 1024 * 1024;

/** What a source gets: `push` one value, `end` the stream. Both are safe after the stream ended. */
export interface NdjsonSink {
  push(value: unknown): void;
  end(): void;
}

/**
 * A streaming NDJSON response. `start` runs once, synchronously, and returns the function that
 * detaches the source; it is called exactly once when the stream ends for any reason (source end,
 * client gone: the runtime cancels the body, reader too slow). No error ever escapes to the caller.
 */
export function ndjsonResponse(start: (sink: NdjsonSink) => () => void): Response {
  const encoder = new TextEncoder();
  let detach: (() => void) | null = null;
  let finished = false;
  let controllerRef: ReadableStreamDefaultController<Uint8Array> | null = null;

  function finish(closeStream: boolean): void {
    if (finished) return;
    finished = true;
    const undo = detach;
    detach = null;
    try {
      undo?.();
    } catch (error) {
      console.error(`control: stream detach failed: ${String(error)}`);
    }
    if (closeStream && controllerRef) {
      try {
        controllerRef.close();
      } catch (_e) {
        // Already closed or errored by the runtime (peer vanished): nothing left to close.
      }
    }
  }

  const sink: NdjsonSink = {
    push(value) {
      if (finished || !controllerRef) return;
      try {
        controllerRef.enqueue(encoder.encode(JSON.stringify(value) + "\n"));
        if ((controllerRef.desiredSize ?? 0) < -MAX_QUEUED_BYTES) finish(true);
      } catch (_e) {
        // The stream was closed under us (client gone): stop feeding it.
        finish(false);
      }
    },
    end() {
      finish(true);
    },
  };

  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controllerRef = controller;
      const undo = start(sink);
      if (finished) {
        undo();
      } else {
        detach = undo;
      }
    },
    cancel() {
      finish(false);
    },
  }, { highWaterMark: 64 * 1024, size: (chunk) => chunk.byteLength });

  return new Response(body, {
    status: 200,
    headers: {
      "content-type": "application/x-ndjson",
      "cache-control": "no-store",
      "x-taskmaster-api": String(API_VERSION),
    },
  });
}
