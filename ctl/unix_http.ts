/**
 * One HTTP/1.1 request over the daemon's unix socket on a plain `Deno.connect`, `Connection:
 * close`, the answer read to its end. The controller's one-shot calls use it instead of `fetch`
 * with `Deno.createHttpClient`, whose set-up cost a cold `taskmasterctl` more CPU than the whole
 * exchange (docs/performance.md "Cold controller"); streams (`tail -f`, `attach`) keep `fetch`.
 */

/** What came back: status, lower-cased headers, the whole body (de-chunked). */
export interface UnixHttpAnswer {
  readonly status: number;
  readonly headers: ReadonlyMap<string, string>;
  readonly body: Uint8Array;
}

/** The answer was not HTTP/1.1 as the daemon speaks it. */
export class BadAnswerError extends Error {}

const encoder = new TextEncoder();
const CRLFCRLF = [13, 10, 13, 10];

/**
 * Sends `method route` with `body` (JSON unless `contentType` says otherwise) on `conn` and reads
 * the answer. The caller owns `conn` and closes it (also to abort: the pending read then throws).
 * The request line is in origin form (`POST /v1/status`), which every server accepts.
 */
export async function exchange(
  conn: Deno.Conn,
  method: "GET" | "POST",
  route: string,
  body: string,
  contentType = "application/json",
): Promise<UnixHttpAnswer> {
  const payload = encoder.encode(body);
  const head = `${method} ${route} HTTP/1.1\r\nhost: taskmasterd\r\nconnection: close\r\n` +
    `content-type: ${contentType}\r\ncontent-length: ${payload.length}\r\n\r\n`;
  const request = new Uint8Array(head.length + payload.length);
  request.set(encoder.encode(head));
  request.set(payload, head.length);
  for (let at = 0; at < request.length;) at += await conn.write(request.subarray(at));
  return parseAnswer(await readAnswer(conn));
}

/**
 * Reads until the daemon closes, or until a `content-length` body is complete (a server that
 * kept the connection open despite `connection: close` would otherwise hold the call).
 */
async function readAnswer(conn: Deno.Conn): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let total = 0;
  let expected = -1; // total answer length, once the head told it
  const buffer = new Uint8Array(64 * 1024);
  while (expected < 0 || total < expected) {
    const n = await conn.read(buffer);
    if (n === null) break;
    parts.push(buffer.slice(0, n));
    total += n;
    if (expected < 0) {
      const head = parseHead(concat(parts)); // usually the first read holds the whole head
      const length = head?.headers.get("content-length");
      if (head && length !== undefined && /^\d+$/.test(length)) {
        expected = head.end + 4 + Number(length);
      }
    }
  }
  return concat(parts);
}

interface Head {
  /** Offset of the blank line that ends the head. */
  readonly end: number;
  readonly status: number;
  readonly headers: ReadonlyMap<string, string>;
}

/** The status line and headers, or null while the head is not complete. */
function parseHead(bytes: Uint8Array): Head | null {
  const end = indexOf(bytes, CRLFCRLF, 0);
  if (end < 0) return null;
  const lines = new TextDecoder().decode(bytes.subarray(0, end)).split("\r\n");
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? "");
  if (status === null) throw new BadAnswerError(`not an HTTP status line: ${lines[0]}`);
  const headers = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(":");
    if (colon <= 0) throw new BadAnswerError(`bad header line: ${line}`);
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { end, status: Number(status[1]), headers };
}

/** Parses a complete HTTP/1.1 answer (status line, headers, body by length, chunks or EOF). */
export function parseAnswer(bytes: Uint8Array): UnixHttpAnswer {
  const head = parseHead(bytes);
  if (head === null) throw new BadAnswerError("the answer ended inside its head");
  const { headers } = head;
  const rest = bytes.subarray(head.end + 4);
  let body: Uint8Array;
  if (/chunked/i.test(headers.get("transfer-encoding") ?? "")) body = dechunk(rest);
  else if (headers.has("content-length")) {
    const length = Number(headers.get("content-length"));
    if (!Number.isInteger(length) || length < 0 || length > rest.length) {
      throw new BadAnswerError(`content-length ${headers.get("content-length")} does not match`);
    }
    body = rest.subarray(0, length);
  } else body = rest;
  return { status: head.status, headers, body };
}

function dechunk(bytes: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [];
  let at = 0;
  while (true) {
    const lineEnd = indexOf(bytes, [13, 10], at);
    if (lineEnd < 0) throw new BadAnswerError("the answer ended inside a chunk size");
    const size = parseInt(new TextDecoder().decode(bytes.subarray(at, lineEnd)), 16);
    if (!Number.isFinite(size) || size < 0) throw new BadAnswerError("bad chunk size");
    at = lineEnd + 2;
    if (size === 0) break;
    if (at + size > bytes.length) throw new BadAnswerError("the answer ended inside a chunk");
    parts.push(bytes.subarray(at, at + size));
    at += size + 2;
  }
  return concat(parts);
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function indexOf(bytes: Uint8Array, needle: readonly number[], from: number): number {
  outer: for (let i = from; i + needle.length <= bytes.length; i++) {
    for (let j = 0; j < needle.length; j++) if (bytes[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}
