/** The pure request-line judge of src/http1/head.ts: every prefix of a valid line passes. */
import { assert, assertEquals } from "../control/asserts.ts";
import { parseHead, requestLineProblem } from "../../../src/http1/head.ts";

const enc = new TextEncoder();
const judge = (text: string) => requestLineProblem(enc.encode(text));

Deno.test("every prefix of a valid request line (and what follows it) is still acceptable", () => {
  const lines = [
    "GET / HTTP/1.1\r\nHost: x\r\n\r\n",
    "POST /v1/status HTTP/1.0\n\n",
    "POST http://taskmasterd/v1/status HTTP/1.1\r\n",
    "M-SEARCH /a?b=c&d=%20 HTTP/1.1\r\n",
    "\r",
  ];
  for (const line of lines) {
    for (let n = 0; n <= line.length; n++) {
      assertEquals(judge(line.slice(0, n)), null, JSON.stringify(line.slice(0, n)));
    }
  }
  // After the line feed nothing is judged here: headers are parseHead's business.
  assertEquals(judge("GET / HTTP/1.1\r\n\x00\x01garbage"), null);
});

Deno.test("a request line is refused at the first byte that rules HTTP out", () => {
  const cases: [string, string | null][] = [
    ["\x16\x03\x01\x02\x00", "malformed request method"], // a TLS ClientHello
    ["\x00", "malformed request method"],
    [" GET", "malformed request method"],
    ["GE(T", "malformed request method"],
    ["GET\t/", "malformed request method"],
    ["GET\r\n", "malformed request method"],
    ["\r\r", "malformed request method"],
    ["GET  /", "malformed request target"],
    ["GET /a\x7f", "malformed request target"],
    ["GET /\xe9", "malformed request target"],
    ["GET /\n", "malformed request target"],
    ["GET / H", null],
    ["GET / X", "unsupported HTTP version"],
    ["GET / http/1.1", "unsupported HTTP version"],
    ["GET / HTTP/2", "unsupported HTTP version"],
    ["GET / HTTP/1.2", "unsupported HTTP version"],
    ["GET / HTTP/1.1 ", "malformed request line"],
    ["GET / HTTP/1.1\rX", "malformed request line"],
    ["GET / HTTP/1.10", "malformed request line"],
  ];
  for (const [text, problem] of cases) {
    assertEquals(judge(text), problem, JSON.stringify(text));
  }
});

Deno.test("random binary is refused within its first bytes", () => {
  let seed = 42;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 256;
  for (let round = 0; round < 500; round++) {
    const bytes = Uint8Array.from({ length: 4096 }, random);
    // The judge needs no more than the method, one space and 8 version bytes to decide, unless
    // the bytes happen to spell a token and a long visible target (never, for random bytes).
    let decidedAt = -1;
    for (let n = 1; n <= 64 && decidedAt < 0; n++) {
      if (requestLineProblem(bytes.subarray(0, n)) !== null) decidedAt = n;
    }
    assert(decidedAt > 0, `round ${round}: undecided after 64 bytes`);
  }
});

Deno.test("what the judge lets through, parseHead accepts (same grammar)", () => {
  for (
    const line of ["GET / HTTP/1.1", "PATCH /x HTTP/1.0", "OPTIONS http://h/ HTTP/1.1"]
  ) {
    assertEquals(judge(`${line}\r\n`), null);
    parseHead(enc.encode(`${line}\r\n\r\n`));
  }
});
