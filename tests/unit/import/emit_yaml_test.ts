import assert from "node:assert/strict";
import { parse } from "yaml";
import { emitYaml, quoteYaml } from "../../../src/import/emit_yaml.ts";
import { newBlock, setField } from "../../../src/import/types.ts";

Deno.test("every string reads back byte-identical and as a string", () => {
  const hostile = [
    "true",
    "null",
    "~",
    "0o22",
    "1e3",
    "- x",
    "# no",
    "a: b",
    '"',
    "\\",
    "'",
    "\n\t\r",
    "\u0000\u0007\u007f\u0085\u2028",
    "ünï ✓ 😀",
    "lone \ud800 surrogate",
    "{[,]}",
    "*alias",
    "&anchor",
    "!tag",
    "",
  ];
  for (const s of hostile) assert.equal(parse(quoteYaml(s)), s, JSON.stringify(s));
});

Deno.test("notes become comments above their line; values keep their types", () => {
  const program = newBlock("we#b");
  setField(program, "cmd", ["/bin/sh", "-c", "echo $PORT # x"], {
    path: "web.cmd",
    kind: "approximate",
    message: "line\nbreak",
  });
  setField(program, "env", { "A B": "1", PORT: "5000" });
  setField(program, "numprocs", 2);
  setField(program, "autostart", false);
  const text = emitYaml({
    kind: "procfile",
    file: "Procfile",
    daemon: newBlock("taskmaster"),
    programs: [program],
    notes: [],
  });
  assert.match(text, /^# Imported by taskmasterd --import procfile from Procfile\n/);
  assert.match(text, / {4}# note: web\.cmd: approximate: line\\x0abreak\n {4}cmd: /);
  assert.deepEqual(parse(text), {
    programs: {
      "we#b": {
        cmd: ["/bin/sh", "-c", "echo $PORT # x"],
        env: { "A B": "1", PORT: "5000" },
        numprocs: 2,
        autostart: false,
      },
    },
  });
});
