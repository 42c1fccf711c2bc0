import assert from "node:assert/strict";
import { parseEnvironment, shlexTokens } from "../../../src/import/sv_environment.ts";

function env(text: string): Record<string, string> {
  return Object.fromEntries(parseEnvironment(text, "f:1"));
}

Deno.test('KEY="v",KEY2=v2 with commas and blanks inside quotes', () => {
  assert.deepEqual(env('A="1,2",B=plain,C=\'x y\',D="/usr/bin:/bin"'), {
    A: "1,2",
    B: "plain",
    C: "x y",
    D: "/usr/bin:/bin",
  });
});

Deno.test("python shlex quirks kept: an unquoted blank ends the value, # starts a comment", () => {
  assert.deepEqual(env("A=hello world"), { A: "hello" });
  assert.deepEqual(shlexTokens("A=b#c\n,B=d"), ["A", "=", "b", ",", "B", "=", "d"]);
  assert.deepEqual(env('A=""'), { A: "" });
});

Deno.test("malformed pairs are errors naming the place", () => {
  assert.throws(() => parseEnvironment("A=1,B", "f.conf:9"), /^Error|f\.conf:9: environment/);
  assert.throws(() => parseEnvironment('A="unterminated', "f.conf:9"), /f\.conf:9: environment/);
  // supervisord reads `A=$x` as A="$" (the x is taken for the separator): kept as it does.
  assert.deepEqual(env("A=$x"), { A: "$" });
});

Deno.test("a quoted value spanning lines is refused (env values cannot hold line breaks)", () => {
  assert.throws(
    () => parseEnvironment('A="x\ny"', "f.conf:2"),
    /f\.conf:2: environment: the value of A/,
  );
  // Pairs on continuation lines are fine: the newline only separates them.
  assert.deepEqual(env('A="1",\nB="2"'), { A: "1", B: "2" });
});
