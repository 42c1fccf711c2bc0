import assert from "node:assert/strict";
import { splitWords } from "../../../ctl/words.ts";

Deno.test("splitWords splits on runs of whitespace and ignores it at both ends", () => {
  assert.deepEqual(splitWords("  start  web   worker "), ["start", "web", "worker"]);
  assert.deepEqual(splitWords("a\tb\nc"), ["a", "b", "c"]);
  assert.deepEqual(splitWords(""), []);
  assert.deepEqual(splitWords("   "), []);
});

Deno.test("splitWords handles quotes and backslashes like a shell", () => {
  assert.deepEqual(splitWords(`signal 'HUP' "a b" c\\ d ""`), ["signal", "HUP", "a b", "c d", ""]);
  assert.deepEqual(splitWords(`x "q\\"uote"`), ["x", 'q"uote']);
});

Deno.test("splitWords: single quotes keep everything literal, backslashes included", () => {
  assert.deepEqual(splitWords(`'a\\b "c"'`), [`a\\b "c"`]);
  assert.deepEqual(splitWords(`''`), [""]);
});

Deno.test('splitWords: inside double quotes only \\" \\\\ \\$ \\` are escapes', () => {
  assert.deepEqual(splitWords(`"a\\nb"`), ["a\\nb"]);
  assert.deepEqual(splitWords(`"\\\\ \\$ \\\`"`), ["\\ $ `"]);
});

Deno.test("splitWords: adjacent quoted and bare parts join into one word", () => {
  assert.deepEqual(splitWords(`a"b c"'d'e`), ["ab cde"]);
});

Deno.test("splitWords: a trailing lone backslash is kept as a character", () => {
  assert.deepEqual(splitWords("ab\\"), ["ab\\"]);
});

Deno.test("splitWords throws an Error naming the unterminated quote", () => {
  assert.throws(() => splitWords(`tail "web`), /unterminated " quote/);
  assert.throws(() => splitWords(`tail 'web`), /unterminated ' quote/);
});
