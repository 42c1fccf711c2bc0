/**
 * Reading a request body under a byte cap and a deadline: the one reader of both API handlers
 * (control socket and :4242 page). It sits above http1/ (transport, which knows no error codes)
 * and beside control/ and web/, so neither depends on the other; failures are
 * {@link ProtocolError}s each handler renders with the shared status table.
 */
import { ProtocolError } from "./protocol/errors.ts";

/**
 * How long a client may take to send its body; slow senders are answered BAD_REQUEST (400)
 * after this. The same as the transport's deadline for a request head.
 */
export const BODY_TIMEOUT_MS = 10_000;

/**
 * Reads the whole body of `req`, at most `limit` bytes, within `timeoutMs`. Throws TOO_LARGE
 * when Content-Length announces more than `limit` or as soon as more arrives (the rest is not
 * read; Content-Length is never trusted to be small), and BAD_REQUEST on a timeout or a broken
 * connection.
 */
export async function readBodyCapped(
  req: Request,
  limit: number,
  timeoutMs: number = BODY_TIMEOUT_MS,
): Promise<Uint8Array> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (!Number.isFinite(declared) || declared > limit) {
    await req.body?.cancel().catch(() => {/* the answer is TOO_LARGE either way */});
    throw tooLarge(limit);
  }
  if (req.body === null) return new Uint8Array(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new ProtocolError("BAD_REQUEST", "request body not received in time")),
      timeoutMs,
    );
  });
  // The losing side of the race must not turn into an unhandled rejection.
  timeout.catch(() => {});
  try {
    while (true) {
      const step = await Promise.race([reader.read(), timeout]);
      if (step.done) break;
      total += step.value.byteLength;
      if (total > limit) throw tooLarge(limit);
      chunks.push(step.value);
    }
  } catch (error) {
    reader.cancel().catch(() => {/* the peer is gone already; nothing to release */});
    if (error instanceof ProtocolError) throw error;
    throw new ProtocolError("BAD_REQUEST", `could not read request body: ${String(error)}`);
  } finally {
    clearTimeout(timer);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

function tooLarge(limit: number): ProtocolError {
  return new ProtocolError("TOO_LARGE", `request body exceeds ${limit} bytes`);
}
