import assert from "node:assert/strict";
import { parseIni } from "../../../src/import/ini_parse.ts";

function opts(text: string, section = "s"): Record<string, string> {
  const ini = parseIni(text, "f.conf");
  assert.deepEqual(ini.errors, []);
  const s = ini.sections.find((x) => x.name === section)!;
  return Object.fromEntries([...s.options].map(([k, v]) => [k, v.value]));
}

Deno.test("comments: full-line # and ;, inline only after a blank", () => {
  assert.deepEqual(
    opts("# c\n[s]\n; c\na = 1 ; comment\nb = x;y\nc = u#v\nd = w #z\n"),
    { a: "1", b: "x;y", c: "u#v", d: "w" },
  );
});

Deno.test("key = value and key: value; first delimiter splits; keys lower-cased", () => {
  assert.deepEqual(opts("[s]\nCommand = /bin/a x=1\nUrl: http://h:1\n"), {
    command: "/bin/a x=1",
    url: "http://h:1",
  });
});

Deno.test("continuation lines by indentation join with newlines", () => {
  assert.deepEqual(opts("[s]\nenvironment = A=1,\n  B=2\n\nnext = 3\n"), {
    environment: "A=1,\nB=2",
    next: "3",
  });
});

Deno.test("duplicate sections and keys merge, the later value wins, with a record", () => {
  const ini = parseIni("[s]\na=1\nb=1\n[t]\n[s]\na=2\n", "f.conf");
  assert.deepEqual(
    Object.fromEntries([...ini.sections[0]!.options].map(([k, v]) => [k, v.value])),
    {
      a: "2",
      b: "1",
    },
  );
  assert.equal(ini.sections.length, 2);
  assert.equal(ini.merges.length, 2);
  assert.equal(ini.sections[0]!.options.get("a")!.line, 6);
});

Deno.test("every bad line is reported with FILE:LINE; CRLF counts as LF", () => {
  const ini = parseIni("orphan=1\r\n[s]\r\nno delimiter here\r\n= value\r\nok=1\r\n", "f.conf");
  assert.deepEqual(ini.errors.map((e) => e.split(":").slice(0, 2).join(":")), [
    "f.conf:1",
    "f.conf:3",
    "f.conf:4",
  ]);
});
