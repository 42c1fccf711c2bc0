/**
 * Server-sent event responses that always end: when the client goes away (stream cancel or
 * request abort), when the server closes (the `closed` signal), or when a slow client lets too
 * much pile up. Each end runs the producer's cleanup exactly once, so no subscription leaks.
 */

/** One SSE message; `data` must not contain a newline (callers JSON-encode). */
export interface SseMessage {
  id?: number;
  event?: string;
  data: string;
}

/** Sends one message; returns false once the stream has ended. */
export type SseSend = (message: SseMessage) => boolean;

/** Heartbeat period: keeps proxies from timing the stream out and notices dead peers. */
const HEARTBEAT_MS = 15_000;
/** Queued messages a client may fall behind by before it is cut off (it reconnects). */
const MAX_QUEUED = 2_000;

/**
 * Builds an SSE response. `produce` starts sending and returns its cleanup; it is called once
 * the stream starts and its cleanup once the stream ends for any reason.
 */
export function sseResponse(
  produce: (send: SseSend) => () => void,
  options: { signals: readonly AbortSignal[]; headers: Headers },
): Response {
  const encoder = new TextEncoder();
  let end: () => void = () => {};
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      let ended = false;
      let cleanup: (() => void) | null = null;
      const abort = () => end();
      const heartbeat = setInterval(() => write(": ping\n\n"), HEARTBEAT_MS);
      end = () => {
        if (ended) return;
        ended = true;
        clearInterval(heartbeat);
        for (const signal of options.signals) signal.removeEventListener("abort", abort);
        cleanup?.();
        try {
          controller.close();
        } catch {
          // Already closed or errored by a cancel: nothing left to close.
        }
      };
      function write(chunk: string): boolean {
        if (ended) return false;
        if ((controller.desiredSize ?? 0) < -MAX_QUEUED) {
          end();
          return false;
        }
        controller.enqueue(encoder.encode(chunk));
        return true;
      }
      for (const signal of options.signals) {
        if (signal.aborted) {
          end();
          return;
        }
        signal.addEventListener("abort", abort, { once: true });
      }
      write("retry: 2000\n\n");
      const send: SseSend = (message) => {
        let chunk = "";
        if (message.id !== undefined) chunk += `id: ${message.id}\n`;
        if (message.event !== undefined) chunk += `event: ${message.event}\n`;
        chunk += `data: ${message.data.replace(/[\r\n]/g, " ")}\n\n`;
        return write(chunk);
      };
      const stop = produce(send);
      if (ended) stop();
      else cleanup = stop;
    },
    cancel() {
      end();
    },
  });
  options.headers.set("content-type", "text/event-stream; charset=utf-8");
  options.headers.set("cache-control", "no-store");
  return new Response(body, { status: 200, headers: options.headers });
}
