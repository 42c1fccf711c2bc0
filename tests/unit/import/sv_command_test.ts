import assert from "node:assert/strict";
import { commandValue, shlexSplit } from "../../../src/import/sv_command.ts";

Deno.test("shlexSplit matches Python's shlex.split", () => {
  // Expected values printed by python3 -c 'import shlex; print(shlex.split(S))'.
  const cases: [string, string[]][] = [
    ['a "b c" d', ["a", "b c", "d"]],
    ['x "\\$HOME" y', ["x", "\\$HOME", "y"]],
    ["'\\n'", ["\\n"]],
    ["a\\\nb", ["a\nb"]],
    ['e "" f', ["e", "", "f"]],
    ['""', [""]],
    ['a"b"c', ["abc"]],
    ["a\\ b", ["a b"]],
    ["  nginx -g 'daemon off;'  ", ["nginx", "-g", "daemon off;"]],
  ];
  for (const [text, words] of cases) assert.deepEqual(shlexSplit(text), words, text);
  assert.throws(() => shlexSplit('a "b'), /No closing quotation/);
  assert.throws(() => shlexSplit("a\\"), /No escaped character/);
});

Deno.test("the string is kept when Taskmaster splits it the same, else the argv is written", () => {
  assert.equal(commandValue("nginx -g 'daemon off;'", "f:1"), "nginx -g 'daemon off;'");
  assert.deepEqual(commandValue('echo "\\$HOME"', "f:1"), ["echo", "\\$HOME"]);
  assert.throws(
    () => commandValue("sh -c 'unterminated", "f.conf:4"),
    /^ImportError: f\.conf:4: command: /,
  );
});
