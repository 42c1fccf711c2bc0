import assert from "node:assert/strict";
import { ABS, bad, ok, prog } from "./helpers.ts";
import { makeSpec } from "../../helpers/specs.ts";

Deno.test("minimal program gets every default", () => {
  const c = ok("programs:\n  web:\n    cmd: sleep 5\n");
  assert.equal(c.file, "cfg.yaml");
  assert.equal(c.path, ABS);
  const p = c.programs[0]!;
  // The expected values are the documented defaults (docs/config.md) in tests/helpers/specs.ts.
  assert.deepEqual({ ...p, env: { ...p.env } }, makeSpec({ name: "web", argv: ["sleep", "5"] }));
});

/** B6 (docs/reliability.md): every hostile value is rejected, naming program, key, value and line. */
const B6: [string, string, RegExp][] = [
  ["numprocs: -1", "numprocs", /integer from 1 to 10000 \(got -1\)/],
  ["numprocs: 0", "numprocs", /\(got 0\)/],
  ["numprocs: 1.5", "numprocs", /\(got 1\.5\)/],
  ['numprocs: "3"', "numprocs", /\(got "3"\)/],
  ["numprocs: 1000000", "numprocs", /\(got 1000000\)/],
  ["autorestart: sometimes", "autorestart", /true, false or unexpected \(got sometimes\)/],
  ["exitcodes: 256", "exitcodes", /\(got 256\)/],
  ["exitcodes: -1", "exitcodes", /\(got -1\)/],
  ['exitcodes: "0"', "exitcodes", /\(got "0"\)/],
  ["exitcodes: []", "exitcodes", /non-empty list/],
  ["exitcodes: [0, 1.5]", "exitcodes", /\(got 1\.5\)/],
  ["startretries: -1", "startretries", /\(got -1\)/],
  ["starttime: -5", "starttime", /seconds ≥ 0 \(got -5\)/],
  ["stoptime: -1", "stoptime", /\(got -1\)/],
  ["maxrestartdelay: .inf", "maxrestartdelay", /\(got \.inf\)/],
  ['starttime: "5s"', "starttime", /\(got "5s"\)/],
  ['stopsignal: "SIGFOO"', "stopsignal", /\(got SIGFOO\)/],
  ["stopsignal: 9999", "stopsignal", /\(got 9999\)/],
  ["stopsignal: 9", "stopsignal", /\(got 9\)/],
  ['umask: "0999"', "umask", /\(got 0999\)/],
  ["umask: 0o1000", "umask", /at most 0777 \(got 0o1000\)/],
  ["umask: 1777", "umask", /at most 0777/],
  ["umask: -22", "umask", /\(got -22\)/],
  ["umask: 22.5", "umask", /octal/],
  ["uid: nonexistent", "uid", /unknown user "nonexistent"/],
  ["uid: 4294967295", "uid", /unknown user "4294967295"/],
  ["gid: nogroupxyz", "gid", /unknown group "nogroupxyz"/],
  ["uid: -1", "uid", /\(got -1\)/],
  ["env: { A: { b: 1 } }", "env.A", /\(got a map\)/],
  ["env: { A: [1] }", "env.A", /\(got a list\)/],
  ["env: { A: null }", "env.A", /\(got nothing\)/],
  ['env: { A: "x\\0y" }', "env.A", /NUL or line breaks/],
  ['env: { A: "x\\ny" }', "env.A", /NUL or line breaks/],
  ['env: { "A=B": 1 }', "env.A=B", /invalid variable name/],
  ["env: [A]", "env", /must be a map \(got a list\)/],
  ["stdout: ''", "stdout", /non-empty string/],
  ["stdout: 5", "stdout", /\(got 5\)/],
  ["workingdir: [a]", "workingdir", /\(got a list\)/],
  ["autostart: yes", "autostart", /true or false \(got yes\)/],
  ["logmaxbytes: -1", "logmaxbytes", /\(got -1\)/],
  ["logbackups: 100000", "logbackups", /from 0 to 1000/],
  ["numprocz: 3", "numprocz", /unknown key \(did you mean "numprocs"\?\)/],
  ["StopSignal: TERM", "StopSignal", /did you mean "stopsignal"/],
  ["zzzzzz: 1", "zzzzzz", /unknown key \(allowed: cmd, /],
];

for (const [line, key, re] of B6) {
  Deno.test(`B6: ${line} is rejected with program, key, value and line`, () => {
    const errs = bad(prog(line));
    assert.equal(errs.length, 1, errs.map((e) => e.text).join("\n"));
    const e = errs[0]!;
    assert.equal(e.path, `programs.web.${key}`);
    assert.equal(e.line, 4);
    assert.ok(e.col !== null && e.col >= 5);
    assert.match(e.message, re);
    assert.equal(e.text, `cfg.yaml:4:${e.col}: programs.web.${key}: ${e.message}`);
  });
}

Deno.test("cmd errors: empty, missing, unterminated, list with null", () => {
  for (
    const [cmd, re] of [
      ['""', /must name a command/],
      ["[]", /must name a command/],
      ['"a \'b"', /unterminated ' quote/],
      ["'a \"b'", /unterminated " quote/],
      ["[a, null]", /list items must be strings/],
      ["[a, [b]]", /list items must be strings \(got a list\)/],
      ["{a: 1}", /\(got a map\)/],
    ] as const
  ) {
    const errs = bad(`programs:\n  web:\n    cmd: ${cmd}\n`);
    assert.equal(errs.length, 1);
    assert.equal(errs[0]!.path, "programs.web.cmd");
    assert.match(errs[0]!.message, re);
  }
  const miss = bad("programs:\n  web:\n    numprocs: 2\n");
  assert.match(miss[0]!.text, /^cfg\.yaml:2:3: programs\.web: missing required key "cmd"$/);
});

Deno.test("stdout/stderr: memory when absent, none when 'none', else a file", () => {
  const p = ok(prog("stdout: none\nstderr: logs/e.log")).programs[0]!;
  assert.deepEqual(p.stdout, { kind: "none" });
  assert.deepEqual(p.stderr, { kind: "file", path: "/srv/app/logs/e.log" });
  const d = ok(prog("")).programs[0]!;
  assert.deepEqual([d.stdout, d.stderr], [{ kind: "memory" }, { kind: "memory" }]);
});

Deno.test("env: __proto__ is an ordinary variable; an empty map or null is no variables", () => {
  const env = ok(prog('env: { __proto__: "x", constructor: 1 }')).programs[0]!.env;
  assert.deepEqual(Object.keys(env), ["__proto__", "constructor"]);
  assert.equal(Object.getPrototypeOf(env), Object.prototype);
  assert.deepEqual({ ...ok(prog("env:")).programs[0]!.env }, {});
  assert.deepEqual({ ...ok(prog("env: {}")).programs[0]!.env }, {});
});

Deno.test("every error of one program is reported, and the program is left out", () => {
  const errs = bad(prog("numprocs: 0\nstoptime: -1\nautostart: maybe"));
  assert.deepEqual(errs.map((e) => e.path), [
    "programs.web.numprocs",
    "programs.web.stoptime",
    "programs.web.autostart",
  ]);
});

Deno.test("a program that is not a map is one error at its value", () => {
  const errs = bad("programs:\n  web: /bin/true\n");
  assert.equal(errs.length, 1);
  assert.equal(errs[0]!.text, "cfg.yaml:2:8: programs.web: must be a map (got /bin/true)");
});

Deno.test("programs keep their file order; cmd lists keep numbers as written", () => {
  const c = ok("programs:\n  z: { cmd: [a, 010, 1.0] }\n  a: { cmd: b }\n");
  assert.deepEqual(c.programs.map((p) => [p.name, p.order]), [["z", 0], ["a", 1]]);
  assert.deepEqual(c.programs[0]!.argv, ["a", "010", "1.0"]);
});
