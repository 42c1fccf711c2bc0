/** The env file format, case by case (docs/config.md "env_file format"). */
import assert from "node:assert/strict";
import { MAX_ENV_FILE_PROBLEMS, parseEnvFile } from "../../../src/config/env_file_parse.ts";

const GOOD: readonly [string, string, Record<string, string>][] = [
  ["empty file", "", {}],
  ["simple", "A=1\nB=two\n", { A: "1", B: "two" }],
  ["no final newline", "A=1", { A: "1" }],
  ["blank lines and comments", "\n  \n# c\n   # indented\nA=1\n\t\n", { A: "1" }],
  ["BOM ignored", "\uFEFFA=1\n", { A: "1" }],
  ["CRLF line ends", "A=1\r\nB=2\r\n", { A: "1", B: "2" }],
  ["CRLF inside single quotes", "A='x\r\ny'\r\n", { A: "x\ny" }],
  ["CRLF inside double quotes", 'A="x\r\ny"\r\n', { A: "x\ny" }],
  ["export prefix", "export A=1\nexport\tB=2\n", { A: "1", B: "2" }],
  ["export as a key", "export=1\n", { export: "1" }],
  ["key forms", "_=1\na_B9=2\n", { _: "1", a_B9: "2" }],
  ["blanks around =", "A = 1\nB\t=\t2\n", { A: "1", B: "2" }],
  ["leading blanks of the line", "   A=1\n", { A: "1" }],
  ["blanks before a value are not part of it", "A=    v\n", { A: "v" }],
  ["trailing blanks trimmed", "A=v  \t\n", { A: "v" }],
  ["inner blanks kept", "A=a b  c\n", { A: "a b  c" }],
  ["# without a blank is text", "A=b#c\n", { A: "b#c" }],
  ["# after a blank is a comment", "A=b #c\n", { A: "b" }],
  ["# after a tab is a comment", "A=b\t# c\n", { A: "b" }],
  ["value starting with #", "A=#c\n", { A: "#c" }],
  ["blank then # is an empty value", "A= #c\n", { A: "" }],
  ["empty value", "A=\n", { A: "" }],
  ["backslashes literal unquoted", "A=a\\nb\\\\\n", { A: "a\\nb\\\\" }],
  ["quotes inside an unquoted value", `A=it's "x"\n`, { A: `it's "x"` }],
  ["single quotes literal", "A='a\\n $B #c'\n", { A: "a\\n $B #c" }],
  ["single quotes multi-line", "A='l1\nl2'\nB=2\n", { A: "l1\nl2", B: "2" }],
  ["double quote escapes", 'A="\\n\\r\\t\\"\\\\\\$"\n', { A: '\n\r\t"\\$' }],
  ["other escapes kept", 'A="\\a\\x\\\'"\n', { A: "\\a\\x\\'" }],
  ["double quotes multi-line", 'A="l1\nl2"\n', { A: "l1\nl2" }],
  ["# inside double quotes", 'A="a #b"\n', { A: "a #b" }],
  ["comment after a closing quote", "A='x' # c\nB=\"y\"#c\n", { A: "x", B: "y" }],
  ["blanks after a closing quote", "A='x'   \n", { A: "x" }],
  ["empty quotes", "A=''\nB=\"\"\n", { A: "", B: "" }],
  ["no interpolation", 'A=$HOME\nB="${HOME}"\nC=`id`\nD="$(id)"\n', {
    A: "$HOME",
    B: "${HOME}",
    C: "`id`",
    D: "$(id)",
  }],
  ["last duplicate wins", "A=1\nA=2\n", { A: "2" }],
  ["equals in value", "A=b=c\n", { A: "b=c" }],
  ["unicode", "A=héllo ✓\n", { A: "héllo ✓" }],
  ["__proto__ is an ordinary key", "__proto__=x\n", { ["__proto__"]: "x" }],
];

for (const [name, text, expected] of GOOD) {
  Deno.test(`env file parses: ${name}`, () => {
    const result = parseEnvFile(text);
    assert(result.ok, `expected success: ${JSON.stringify(result)}`);
    assert.deepEqual({ ...result.vars }, expected);
    if (name.startsWith("__proto__")) assert(Object.hasOwn(result.vars, "__proto__"));
  });
}

const BAD: readonly [string, string, [number, number, string][]][] = [
  ["bare key", "A=1\nB\n", [[2, 2, 'missing "=" after B']]],
  ["bare key with comment", "B # x\n", [[1, 3, 'missing "=" after B']]],
  ["bad key start", "1A=x\n", [[1, 1, 'invalid variable name "1A"']]],
  ["bad key char", "A-B=x\n", [[1, 2, 'invalid variable name "A-B"']]],
  ["space in key", "A B=x\n", [[1, 3, 'invalid variable name "A"']]],
  ["export alone", "export \n", [[1, 8, "missing variable name"]]],
  ["line starting with =", "=x\n", [[1, 1, "missing variable name"]]],
  ["unterminated double quote", 'A=1\nB="abc\nC=2\n', [[2, 3, "unterminated double quote"]]],
  ["unterminated single quote", "A='abc", [[1, 3, "unterminated single quote"]]],
  ["escaped closing quote is not closing", 'A="abc\\"\n', [[1, 3, "unterminated double quote"]]],
  ["backslash at end of file", 'A="abc\\', [[1, 3, "unterminated double quote"]]],
  ["text after closing quote", "A='x'y\n", [[1, 6, "unexpected text after the closing quote"]]],
  ["NUL byte", "A=x\0y\n", [[1, 4, "NUL character (not allowed in an env file)"]]],
  ["lone CR", "A=x\ry\n", [[1, 4, "carriage return without a line feed"]]],
  ["every bad line reported", "A\nB=1\n2=x\nC='ok'z\n", [
    [1, 2, 'missing "=" after A'],
    [3, 1, 'invalid variable name "2"'],
    [4, 7, "unexpected text after the closing quote"],
  ]],
  ["line numbers after a multi-line value", "A='x\ny'\nB\n", [[3, 2, 'missing "=" after B']]],
  ["line numbers with CRLF", "A=1\r\nB\r\n", [[2, 2, 'missing "=" after B']]],
];

for (const [name, text, expected] of BAD) {
  Deno.test(`env file refused: ${name}`, () => {
    const result = parseEnvFile(text);
    assert(!result.ok, `expected errors: ${JSON.stringify(result)}`);
    assert.deepEqual(
      result.problems.map((p) => [p.line, p.col, p.message]),
      expected,
    );
  });
}

Deno.test("env file: a 10,000-line file parses in one pass", () => {
  const text = Array.from({ length: 10_000 }, (_, i) => `K${i}="v${i}"`).join("\n");
  const result = parseEnvFile(text);
  assert(result.ok);
  assert.equal(Object.keys(result.vars).length, 10_000);
  assert.equal(result.vars.K9999, "v9999");
});

Deno.test("env file: past 100 bad lines checking stops, and the last problem says so", () => {
  const text = Array.from({ length: 500 }, (_, i) => `bad-${i}=x`).join("\n");
  const result = parseEnvFile(text);
  assert(!result.ok);
  assert.equal(result.problems.length, MAX_ENV_FILE_PROBLEMS + 1);
  assert.deepEqual(result.problems.at(-1), {
    line: 101,
    col: 1,
    message: "more than 100 bad lines; the rest was not checked",
  });
});

Deno.test("env file: quoted values with many escapes and no closing quote stay linear", () => {
  const many = Array.from({ length: 20_000 }, (_, i) => `K${i}="a\\tb"`).join("\n");
  const result = parseEnvFile(many);
  assert(result.ok);
  assert.equal(result.vars.K19999, "a\tb");
  const open = parseEnvFile(`A="${"x\\n".repeat(100_000)}`);
  assert(!open.ok);
  assert.equal(open.problems[0]?.message, "unterminated double quote");
});
