/** The controller's raw HTTP/1.1 answer parser (ctl/unix_http.ts). */
import assert from "node:assert/strict";
import { BadAnswerError, parseAnswer } from "../../../ctl/unix_http.ts";

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (body: Uint8Array) => new TextDecoder().decode(body);

Deno.test("parseAnswer: status, lower-cased headers and a content-length body", () => {
  const answer = parseAnswer(
    bytes('HTTP/1.1 404 Not Found\r\nX-Taskmaster-API: 1\r\nContent-Length: 7\r\n\r\n{"a":1}'),
  );
  assert.equal(answer.status, 404);
  assert.equal(answer.headers.get("x-taskmaster-api"), "1");
  assert.equal(text(answer.body), '{"a":1}');
});

Deno.test("parseAnswer: a chunked body is joined; without a length the body runs to the end", () => {
  const chunked = parseAnswer(
    bytes(
      "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\na\r\n0123456789\r\n0\r\n\r\n",
    ),
  );
  assert.equal(text(chunked.body), "abc0123456789");
  assert.equal(text(parseAnswer(bytes("HTTP/1.0 200 OK\r\n\r\nrest of it")).body), "rest of it");
});

Deno.test("parseAnswer: truncated or foreign answers are BadAnswerError, never a crash", () => {
  for (
    const bad of [
      "",
      "HTTP/1.1 200 OK\r\ncontent-length: 5\r\n",
      "SSH-2.0-OpenSSH\r\n\r\n",
      "HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
      "HTTP/1.1 200 OK\r\ncontent-length: 9\r\n\r\nshort",
      "HTTP/1.1 200 OK\r\ncontent-length: -1\r\n\r\n",
      "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n",
      "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n10\r\nabc",
    ]
  ) {
    assert.throws(() => parseAnswer(bytes(bad)), BadAnswerError, JSON.stringify(bad));
  }
});
