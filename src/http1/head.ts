/**
 * HTTP/1.1 message heads for the own server (conn.ts): judges a request line as it arrives, finds
 * the end of a request head, parses it strictly (RFC 9112) under caps, and encodes response heads.
 * Pure code: no I/O, every refusal is an {@link HeadError} carrying the status to answer with.
 */

/** Largest request head (request line + headers) accepted; beyond it the answer is 431 or 414. */
export const MAX_HEAD_BYTES = 16 * 1024;
/** Most header lines accepted in one request. */
export const MAX_HEADERS = 100;

/** A request head that parsed cleanly. */
export interface RequestHead {
  method: string;
  /** 0 for HTTP/1.0 (which gets unframed bodies ended by closing), 1 for HTTP/1.1. */
  minor: 0 | 1;
  /** Absolute URL built from the request target (origin-form gets `http://localhost`). */
  url: string;
  headers: [string, string][];
  /** Body length from Content-Length (0 without one: a request without framing has no body). */
  contentLength: number;
  /** True when the client asked to keep the connection (HTTP/1.1 without `Connection: close`). */
  keepAlive: boolean;
  /** `Expect: 100-continue` was sent: answer `100 Continue` before reading the body. */
  expectContinue: boolean;
}

/** A request the server refuses before calling the handler; `status` is the answer to send. */
export class HeadError extends Error {
  /** Builds the refusal; `status` is a 4xx code. */
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = "HeadError";
  }
}

const LF = 0x0a;
const CR = 0x0d;
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// Request targets are visible ASCII only (RFC 9112 §3.2); anything else is refused, not escaped.
const TARGET = /^[\x21-\x7e]+$/;

/**
 * Index just past the blank line ending the head in `buf` (CRLF CRLF, or bare LF LF as lenient
 * parsers accept), scanning from `from`; -1 when the head is not complete yet.
 */
export function findHeadEnd(buf: Uint8Array, from = 0): number {
  for (let i = buf.indexOf(LF, from); i >= 0; i = buf.indexOf(LF, i + 1)) {
    const next = buf[i + 1];
    if (next === LF) return i + 2;
    if (next === CR && buf[i + 2] === LF) return i + 3;
    if (next === undefined || (next === CR && i + 2 >= buf.length)) return -1;
  }
  return -1;
}

/** Number of empty lines (CRLF or LF) at the start of `buf`, in bytes: skipped before a request. */
export function leadingBlankBytes(buf: Uint8Array): number {
  let i = 0;
  while (i < buf.length) {
    if (buf[i] === LF) i += 1;
    else if (buf[i] === CR && buf[i + 1] === LF) i += 2;
    else break;
  }
  return i;
}

const VERSION_PREFIX = "HTTP/1.";
const SP = 0x20;

/**
 * Judges a request line as it arrives, the way nginx and Node's parser do: null while `buf`
 * (leading blank lines already skipped) is still a prefix of `METHOD SP target SP HTTP/1.x CRLF`
 * (method a token, target visible ASCII, version 1.0 or 1.1; bare LF allowed), else the reason it
 * can no longer become one. Only the first line is judged; headers wait for {@link parseHead}.
 * Random bytes fail within their first few bytes, so they are refused at once instead of holding
 * the connection until the head deadline.
 */
export function requestLineProblem(buf: Uint8Array): string | null {
  if (buf.length === 1 && buf[0] === CR) return null; // maybe a blank line's CRLF, cut
  let i = 0;
  while (i < buf.length && isTokenByte(buf[i]!)) i++;
  if (i === buf.length) return null;
  if (i === 0 || buf[i] !== SP) return "malformed request method";
  const target = ++i;
  while (i < buf.length && buf[i]! >= 0x21 && buf[i]! <= 0x7e) i++;
  if (i === buf.length) return null;
  if (i === target || buf[i] !== SP) return "malformed request target";
  const version = ++i;
  for (; i < buf.length && i - version < 8; i++) {
    const at = i - version;
    // "HTTP/1." then 0 or 1: parseHead accepts no other version.
    const ok = at < 7
      ? buf[i] === VERSION_PREFIX.charCodeAt(at)
      : buf[i] === 0x30 || buf[i] === 0x31;
    if (!ok) return "unsupported HTTP version";
  }
  if (i === buf.length) return null;
  if (buf[i] === CR) i++;
  if (i === buf.length || buf[i] === LF) return null;
  return "malformed request line";
}

const TOKEN_BYTES = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~0123456789") TOKEN_BYTES[c.charCodeAt(0)] = 1;
for (let c = 0x41; c <= 0x5a; c++) TOKEN_BYTES[c] = TOKEN_BYTES[c + 0x20] = 1;

function isTokenByte(byte: number): boolean {
  return byte < 128 && TOKEN_BYTES[byte] === 1;
}

/** Status for a head that outgrew {@link MAX_HEAD_BYTES}: 414 while still in the request line. */
export function oversizeStatus(buf: Uint8Array): number {
  return buf.subarray(0, MAX_HEAD_BYTES).indexOf(LF) < 0 ? 414 : 431;
}

/** Parses a complete head (as delimited by {@link findHeadEnd}). Throws {@link HeadError}. */
export function parseHead(bytes: Uint8Array): RequestHead {
  const text = latin1Decode(bytes);
  let eol = text.indexOf("\n");
  if (eol < 0) eol = text.length;
  const [method = "", target = "", version = "", ...extra] = line(text, 0, eol).split(" ");
  if (extra.length > 0 || !TOKEN.test(method) || !TARGET.test(target)) {
    throw new HeadError(400, "malformed request line");
  }
  if (version !== "HTTP/1.1" && version !== "HTTP/1.0") {
    // 400, not 505: a garbled version is a malformed request from this server's point of view.
    throw new HeadError(400, "unsupported HTTP version");
  }
  const headers: [string, string][] = [];
  let contentLength: string | null = null;
  let connection = "";
  let expect = "";
  for (let start = eol + 1; start < text.length; start = eol + 1) {
    eol = text.indexOf("\n", start);
    if (eol < 0) eol = text.length;
    const field = line(text, start, eol);
    if (field === "") continue; // the final blank line
    if (headers.length >= MAX_HEADERS) throw new HeadError(431, "too many header fields");
    const colon = field.indexOf(":");
    const name = colon > 0 ? field.slice(0, colon) : "";
    // Also refuses obs-fold continuation lines and whitespace before the colon (RFC 9112 §5).
    if (!TOKEN.test(name)) throw new HeadError(400, "malformed header field");
    let value = field.slice(colon + 1);
    if (/^[ \t]|[ \t]$/.test(value)) value = value.replace(/^[ \t]+|[ \t]+$/g, "");
    headers.push([name, value]);
    if (name.length < 6 || name.length > 17) continue; // no field inspected below
    const lower = name.toLowerCase();
    if (lower === "transfer-encoding") {
      // ctl always sends Content-Length; refusing other framings closes request smuggling too.
      throw new HeadError(411, "chunked request bodies are not accepted: send Content-Length");
    }
    if (lower === "content-length") {
      for (const part of value.split(",")) {
        const trimmed = part.trim();
        if (!/^\d{1,15}$/.test(trimmed) || (contentLength !== null && trimmed !== contentLength)) {
          throw new HeadError(400, "invalid Content-Length");
        }
        contentLength = trimmed;
      }
    } else if (lower === "connection") {
      connection += `,${value.toLowerCase()}`;
    } else if (lower === "expect") {
      expect = value.toLowerCase();
    }
  }
  const close = connection !== "" && connection.split(",").some((t) => t.trim() === "close");
  return {
    method,
    minor: version === "HTTP/1.1" ? 1 : 0,
    url: requestUrl(target),
    headers,
    contentLength: contentLength === null ? 0 : Number(contentLength),
    // HTTP/1.0 clients get one exchange per connection (no persistent-connection negotiation).
    keepAlive: version === "HTTP/1.1" && !close,
    expectContinue: version === "HTTP/1.1" && expect === "100-continue",
  };
}

/** `text[start, eol)` without a trailing CR. */
function line(text: string, start: number, eol: number): string {
  const end = eol > start && text.charCodeAt(eol - 1) === 0x0d ? eol - 1 : eol;
  return text.slice(start, end);
}

function requestUrl(target: string): string {
  // Deno's unix-socket fetch client sends the absolute form (`POST http://host/v1/x HTTP/1.1`).
  // The URL itself is validated by the Request constructor (a TypeError there is a 400 too).
  if (target.startsWith("/")) return `http://localhost${target}`;
  if (/^https?:\/\//i.test(target)) return target;
  throw new HeadError(400, "unsupported request target");
}

const REASONS: Record<number, string> = {
  100: "Continue",
  200: "OK",
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  408: "Request Timeout",
  409: "Conflict",
  411: "Length Required",
  413: "Content Too Large",
  414: "URI Too Long",
  422: "Unprocessable Content",
  431: "Request Header Fields Too Large",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
};

// Framing is the server's business: whatever the handler set for these is replaced.
const FRAMING = new Set(["connection", "content-length", "transfer-encoding", "keep-alive"]);

/**
 * Encodes a response head: status line, the handler's headers (framing headers dropped), then
 * `framing` (e.g. `transfer-encoding: chunked`; "" for none) and `connection: close` when `close`.
 */
export function encodeResponseHead(
  status: number,
  headers: Headers,
  framing: string,
  close: boolean,
): Uint8Array {
  let head = `HTTP/1.1 ${status} ${REASONS[status] ?? ""}\r\n`;
  for (const [name, value] of headers) {
    if (!FRAMING.has(name)) head += `${name}: ${value}\r\n`;
  }
  if (framing !== "") head += `${framing}\r\n`;
  head += close ? "connection: close\r\n\r\n" : "\r\n";
  return latin1Encode(head);
}

/** A complete small refusal (`status`, plain-text `message`), always closing the connection. */
export function encodeRefusal(status: number, message: string): Uint8Array {
  const body = `${message}\n`;
  return latin1Encode(
    `HTTP/1.1 ${status} ${REASONS[status] ?? ""}\r\ncontent-type: text/plain; charset=utf-8\r\n` +
      `content-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`,
  );
}

const ASCII = new TextDecoder();
// deno-lint-ignore no-control-regex
const NON_ASCII = /[^\x00-\x7f]/;

// Header bytes are ISO-8859-1 on the wire (what Headers' ByteStrings hold): one char per byte.
// Heads are nearly always ASCII, where the native UTF-8 decoder gives the same string faster.
function latin1Decode(bytes: Uint8Array): string {
  const fast = ASCII.decode(bytes);
  if (!NON_ASCII.test(fast)) return fast;
  let out = "";
  for (let i = 0; i < bytes.length; i += 8192) {
    out += String.fromCharCode(...bytes.subarray(i, i + 8192));
  }
  return out;
}

function latin1Encode(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}
