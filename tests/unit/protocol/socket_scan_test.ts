/**
 * The quick socket scan (src/protocol/socket_scan.ts): a table of texts it must answer, with the
 * answer, and texts it must leave to the full parse. Every answered row is also checked against
 * the YAML library, so the table itself cannot drift from the slow path.
 */
import assert from "node:assert/strict";
import { scanSocketValue } from "../../../src/protocol/socket_scan.ts";
import { socketValueByYaml } from "../../../src/protocol/socket_path.ts";

/** [description, text, expected value (string or null)]. */
const ANSWERS: [string, string, string | null][] = [
  ["plain path", "taskmaster:\n  socket: /run/tm.sock\n", "/run/tm.sock"],
  ["relative plain", "taskmaster:\n  socket: ./tm.sock\n", "./tm.sock"],
  ["word", "taskmaster:\n  socket: tm.sock\n", "tm.sock"],
  ["double quoted", 'taskmaster:\n  socket: "/a b/tm.sock"\n', "/a b/tm.sock"],
  ["single quoted, doubled quote", "taskmaster:\n  socket: 'it''s.sock'\n", "it's.sock"],
  ["escapes", 'taskmaster:\n  socket: "/a\\x41\\u00e9\\"\\\\b\\tc"\n', '/aAé"\\b\tc'],
  ["quoted null word stays a string", 'taskmaster:\n  socket: "null"\n', "null"],
  ["trailing comment", "taskmaster:\n  socket: /a.sock # the socket\n", "/a.sock"],
  ["glued hash is content", "taskmaster:\n  socket: /a#b\n", "/a#b"],
  ["comments and blanks", "# c\n\ntaskmaster: # c\n  # c\n\n  socket: /s # c\n# c\n", "/s"],
  ["document start", "---\ntaskmaster:\n  socket: /s\n", "/s"],
  ["document start with comment", "--- # hi\ntaskmaster:\n  socket: /s\n", "/s"],
  ["CRLF", "taskmaster:\r\n  socket: /s\r\nprograms: {}\r\n", "/s"],
  ["BOM", "\ufefftaskmaster:\n  socket: /s\n", "/s"],
  ["deeper indentation", "taskmaster:\n      socket: /s\n", "/s"],
  ["siblings around", "taskmaster:\n  logfile: x.log\n  socket: /s\n  http: false\n", "/s"],
  ["sibling flow map", "taskmaster:\n  http: { host: 127.0.0.1, port: 1 }\n  socket: /s\n", "/s"],
  ["sibling nested map", "taskmaster:\n  http:\n    host: h\n  socket: /s\n", "/s"],
  ["sibling block scalar", "taskmaster:\n  motd: |\n    socket: /x\n  socket: /s\n", "/s"],
  [
    "programs after",
    "taskmaster:\n  socket: /s\nprograms:\n  web:\n    cmd: \"sleep 1\"\n    env: { A: '1' }\n" +
    "    exitcodes: [0, 2]\n    args:\n    - a\n    - 'b'\n",
    "/s",
  ],
  ["programs before", "programs:\n  w:\n    cmd: x\ntaskmaster:\n  socket: /s\n", "/s"],
  [
    "stops reading after taskmaster's entry",
    'taskmaster:\n  socket: /s\nprograms:\n  socket:\n    cmd: x\n  bad: "open\n',
    "/s",
  ],
  ["no taskmaster", "programs:\n  w:\n    cmd: x\n", null],
  ["taskmaster without socket", "taskmaster:\n  http: false\n", null],
  ["empty taskmaster", "taskmaster:\nprograms: {}\n", null],
  ["empty text", "", null],
  ["only comments", "# nothing\n", null],
  ["JSON", '{"taskmaster": {"socket": "/j.sock", "http": false}, "programs": {}}', "/j.sock"],
  ["JSON, pretty", '{\n "taskmaster": {\n  "socket": "/j"\n },\n "programs": {}\n}\n', "/j"],
  ["JSON, number socket", '{"taskmaster": {"socket": 5}}', null],
  ["JSON, no taskmaster", '{"programs": {}}', null],
];

/** [description, text]: shapes the scan must not judge. */
const UNSURE: [string, string][] = [
  ["flow taskmaster", "taskmaster: { socket: /s }\n"],
  ["flow socket value", "taskmaster:\n  socket: [a]\n"],
  ["anchor", "taskmaster: &t\n  socket: /s\n"],
  ["alias", "base: &b /s\ntaskmaster:\n  socket: *b\n"],
  ["merge key", "taskmaster:\n  <<: { socket: /m }\n"],
  ["root merge key", "<<: { taskmaster: { socket: /m } }\n"],
  ["tag", "taskmaster:\n  socket: !!str /s\n"],
  ["multi-document", "taskmaster:\n  socket: /a\n---\ntaskmaster:\n  socket: /b\n"],
  ["document end", "taskmaster:\n  socket: /a\n...\n"],
  ["directive", "%YAML 1.2\n---\ntaskmaster:\n  socket: /s\n"],
  ["block scalar socket", "taskmaster:\n  socket: |\n    /s\n"],
  ["duplicate taskmaster", "taskmaster:\n  socket: /a\ntaskmaster:\n  socket: /b\n"],
  ["duplicate socket", "taskmaster:\n  socket: /a\n  socket: /b\n"],
  ["quoted duplicate", 'taskmaster:\n  socket: /a\n"taskmaster":\n  http: false\n'],
  ["tab indentation", "taskmaster:\n\tsocket: /s\n"],
  ["tab separator", "taskmaster:\n  socket:\t/s\n"],
  ["socket in another map", "programs:\n  socket:\n    cmd: x\ntaskmaster:\n  socket: /s\n"],
  ["later top-level line starting with a quote", "taskmaster:\n  socket: /a\n'x': 1\n"],
  ["later root sequence", "taskmaster:\n  socket: /a\n- x\n"],
  ["root socket", "socket: /x\ntaskmaster:\n  socket: /s\n"],
  ["multi-line plain", "taskmaster:\n  socket: /a\n    /b\n"],
  ["open double quote", 'x: "abc\ntaskmaster:\n  socket: /b\n"\n'],
  ["open single quote", "x: 'abc\ntaskmaster:\n  socket: /b\n'\n"],
  ["open flow", "x: [a,\ntaskmaster: 1]\n"],
  ["flow collection glued to a scalar", "x: {a: b[1]}\ntaskmaster:\n  socket: /s\n"],
  ["escaped flow indicator", "x: {a: \\[1]}\ntaskmaster:\n  socket: /s\n"],
  ["escaped line break", 'taskmaster:\n  socket: "/a\\\n    b"\n'],
  ["unknown escape", 'taskmaster:\n  socket: "/a\\q"\n'],
  ["null socket", "taskmaster:\n  socket: null\n"],
  ["tilde socket", "taskmaster:\n  socket: ~\n"],
  ["number socket", "taskmaster:\n  socket: 12\n"],
  ["boolean socket", "taskmaster:\n  socket: TRUE\n"],
  ["float socket", "taskmaster:\n  socket: .inf\n"],
  ["empty socket", "taskmaster:\n  socket:\n"],
  ["explicit key", "? taskmaster\n: socket: /s\n"],
  ["root sequence", "- taskmaster:\n    socket: /s\n"],
  ["indented root", "  taskmaster:\n    socket: /s\n"],
  ["sequence under taskmaster", "taskmaster:\n- socket: /s\n"],
  ["bad indentation", "taskmaster:\n    socket: /s\n  http: false\n"],
  ["sequence indicator as value", "taskmaster:\n  socket: -  1/2\n"],
  ["sequence indicator as value after quoted key", 'taskmaster:\n  "socket": - /a\n'],
  ["nested compact mapping", "taskmaster:\n  socket: a: b\n"],
  ["glued comment after quote", 'taskmaster:\n  socket: "/s"#c\n'],
  ["lone CR", "x: 1\rtaskmaster:\n  socket: /s\n"],
  ["control character", "taskmaster:\n  socket: /s\x01\n"],
  ["line separator", "x: a\u2028taskmaster:\n  socket: /s\n"],
  ["JSON duplicate", '{"taskmaster": {"socket": "/a"}, "taskmaster": {"socket": "/b"}}'],
  ["JSON unicode escape", '{"task\\u006daster": {"socket": "/a"}}'],
  ["JSON invalid", '{"taskmaster": {"socket": "/a"}'],
  ["JSON with tab", '{\t"taskmaster": {"socket": "/a"}}'],
];

Deno.test("socket scan answers simple shapes, equal to the full parse", async () => {
  for (const [what, text, expected] of ANSWERS) {
    assert.deepEqual(scanSocketValue(text), { sure: true, value: expected }, what);
    assert.equal(await socketValueByYaml(text), expected, `${what}: the YAML library disagrees`);
  }
});

Deno.test("socket scan says unsure for everything outside its subset", () => {
  for (const [what, text] of UNSURE) {
    assert.deepEqual(scanSocketValue(text), { sure: false }, what);
  }
});

Deno.test("socket scan answers for the shipped example and test configs", async () => {
  const root = new URL("../../../", import.meta.url).pathname;
  for (const file of ["examples/taskmaster.yaml", "tests/fixtures/configs/full.yaml"]) {
    const text = await Deno.readTextFile(root + file);
    const scan = scanSocketValue(text);
    assert.ok(scan.sure, `${file}: the quick scan should answer`);
    assert.equal(scan.value, await socketValueByYaml(text), file);
  }
});
