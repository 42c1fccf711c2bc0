import assert from "node:assert/strict";
import { parseConfigText } from "../../../src/config/load.ts";
import { bad, ok, prog } from "./helpers.ts";

/**
 * B6 (docs/reliability.md): every hostile value is rejected, naming program, key, value and line.
 */
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

Deno.test("program names: reserved, invalid, too long, hostile", () => {
  for (
    const name of ["all", "__proto__", "a:b", "a/b", "-x", ".x", "a b", '"a\\x01"', "x".repeat(65)]
  ) {
    const errs = bad(`programs:\n  ${name}:\n    cmd: x\n`);
    assert.equal(errs.length, 1, name);
    assert.match(errs[0]!.message, /reserved|invalid program name|at most 64/, name);
    assert.equal(errs[0]!.line, 2);
  }
  ok(`programs:\n  ${"x".repeat(64)}:\n    cmd: x\n  A.b_c-1:\n    cmd: x\n  "123":\n    cmd: x\n`);
  const c = ok("programs:\n  constructor:\n    cmd: x\n  toString:\n    cmd: y\n");
  assert.deepEqual(c.programs.map((p) => p.name), ["constructor", "toString"]);
  assert.equal(({} as Record<string, unknown>).cmd, undefined, "prototype untouched");
});

Deno.test("duplicate program keys and duplicate fields are rejected", () => {
  const e1 = bad("programs:\n  a:\n    cmd: x\n  a:\n    cmd: y\n");
  assert.match(e1[0]!.text, /^cfg\.yaml:4:3: YAML syntax error: Map keys must be unique/);
  const e2 = bad(prog("numprocs: 1\nnumprocs: 2"));
  assert.match(e2[0]!.message, /unique/);
});

Deno.test("unknown top-level and section keys get hints", () => {
  assert.match(bad("program: {}\n")[0]!.text, /program: unknown key \(did you mean "programs"\?\)/);
  assert.match(
    bad("taskmaster: { logfle: x }\nprograms: {}\n")[0]!.text,
    /taskmaster\.logfle: unknown key \(did you mean "logfile"\?\)/,
  );
  assert.match(
    bad("taskmaster: { smtp: { tlsverfy: true } }\nprograms: {}\n")[0]!.text,
    /taskmaster\.smtp\.tlsverfy: .*did you mean "tlsverify"/,
  );
  assert.match(
    bad("taskmaster: { alerts: { crashloop-exit: 3 } }\nprograms: {}\n")[0]!.text,
    /did you mean "crashloop-exits"/,
  );
});

Deno.test("all errors are collected, in file order", () => {
  const errs = bad(`taskmaster:
  logbackups: -1
programs:
  a:
    cmd: x
    numprocs: 0
  b:
    cmd: y
    stopsignal: FOO
    starttime: -1
`);
  assert.deepEqual(errs.map((e) => [e.line, e.path]), [
    [2, "taskmaster.logbackups"],
    [6, "programs.a.numprocs"],
    [9, "programs.b.stopsignal"],
    [10, "programs.b.starttime"],
  ]);
});

Deno.test("daemon section errors", () => {
  const cases: [string, string, RegExp][] = [
    ["http: { host: 0.0.0.0 }", "taskmaster.http.host", /needs http\.token/],
    ["http: { host: 10.1.2.3, port: 70000 }", "taskmaster.http.host", /needs http\.token/],
    ["http: { port: -1 }", "taskmaster.http.port", /0 to 65535/],
    ["http: 4242", "taskmaster.http", /must be a map/],
    ["http: { token: { env: MISSING } }", "taskmaster.http.token.env", /MISSING is not set/],
    ["http: { token: { file: x } }", "taskmaster.http.token.file", /unknown key/],
    ["smtp: { password: { env: 'a b' } }", "taskmaster.smtp.password.env", /variable name/],
    ["smtp: { port: 0 }", "taskmaster.smtp.port", /1 to 65535/],
    ["smtp: { secure: 1 }", "taskmaster.smtp.secure", /true or false/],
    ["email: not-an-address", "taskmaster.email", /e-mail address/],
    ['email: "a@b.c\\r\\nBcc: x@y.z"', "taskmaster.email", /e-mail address/],
    ["email: [a@b.c, 5]", "taskmaster.email", /\(got 5\)/],
    ["alerts: { fatal: maybe }", "taskmaster.alerts.fatal", /true or false/],
    ["alerts: { crashloop-exits: 0 }", "taskmaster.alerts.crashloop-exits", /≥ 1/],
    ["alerts: { batch-window: -1 }", "taskmaster.alerts.batch-window", /≥ 0/],
    ["socket: /" + "s".repeat(120), "taskmaster.socket", /limit is 107/],
    ["logfile: 3", "taskmaster.logfile", /non-empty string/],
    ["uid: nobodyxyz", "taskmaster.uid", /unknown user/],
  ];
  for (const [line, path, re] of cases) {
    const errs = bad(`taskmaster:\n  ${line}\nprograms: {}\n`);
    assert.ok(errs.length >= 1, line);
    assert.equal(errs[0]!.path, path, line);
    assert.match(errs[0]!.message, re, line);
    assert.equal(errs[0]!.line, 2, line);
  }
});

Deno.test("loopback hosts need no token; a token allows any host", () => {
  for (const h of ["127.0.0.1", "127.9.8.7", "localhost", "::1"]) {
    ok(`taskmaster:\n  http: { host: "${h}" }\nprograms: {}\n`);
  }
  ok("taskmaster:\n  http: { host: 0.0.0.0, token: abc }\nprograms: {}\n");
});

Deno.test("the default socket beside a deep config is too long", () => {
  const deep = "/" + "d".repeat(100) + "/taskmaster.yaml";
  const r = parseConfigText("programs: {}\n", "t.yaml", deep, { uid: 0, gid: 0 });
  assert.ok(!r.ok);
  assert.match(r.errors[0]!.text, /^t\.yaml:1:1: taskmaster\.socket: socket path .* limit is 107/);
  const fine = parseConfigText(
    "taskmaster: { socket: /tmp/t.sock }\nprograms: {}\n",
    "t.yaml",
    deep,
    {
      uid: 0,
      gid: 0,
    },
  );
  assert.ok(fine.ok);
});
