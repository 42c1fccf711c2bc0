import assert from "node:assert/strict";
import {
  emailProblem,
  isLoopbackHost,
  parseSignal,
  parseUmask,
  splitCommand,
} from "../../../src/config/converters.ts";
import { ok, prog } from "./helpers.ts";

Deno.test("umask is octal from the source text, quoted or not", () => {
  const cases: [string, number][] = [
    ["022", 0o22],
    ['"077"', 0o77],
    ["77", 0o77],
    ["0o022", 0o22],
    ["'0022'", 0o22],
    ["0", 0],
    ["777", 0o777],
    ["0777", 0o777],
    ["7", 0o7],
  ];
  for (const [src, want] of cases) {
    assert.equal(ok(prog(`umask: ${src}`)).programs[0]!.umask, want, src);
  }
  for (const bad of ["0999", "8", "0o1000", "1000", "12345", "", "0x12", "-1", "22.0"]) {
    assert.ok("error" in parseUmask(bad), bad);
  }
});

Deno.test("stopsignal accepts names with or without SIG in any case", () => {
  for (
    const [s, want] of [["TERM", "SIGTERM"], ["term", "SIGTERM"], ["SigKill", "SIGKILL"], [
      "usr2",
      "SIGUSR2",
    ], ["HUP", "SIGHUP"]]
  ) {
    assert.deepEqual(parseSignal(s!), { ok: want });
  }
  for (const s of ["9", "SIGFOO", "", "SIG", "STOP"]) assert.ok("error" in parseSignal(s), s);
  assert.equal(ok(prog("stopsignal: int")).programs[0]!.stopsignal, "SIGINT");
});

Deno.test("cmd splitting follows POSIX quoting without expansion", () => {
  const cases: [string, string[]][] = [
    ["/usr/bin/prog --flag 'quoted arg'", ["/usr/bin/prog", "--flag", "quoted arg"]],
    ['a "b c" d', ["a", "b c", "d"]],
    ['a "x\\"y" z', ["a", 'x"y', "z"]],
    ['a "x\\ny"', ["a", "x\\ny"]],
    ["a b\\ c", ["a", "b c"]],
    ["a 'it''s'", ["a", "its"]],
    ["echo $HOME ~ *.txt", ["echo", "$HOME", "~", "*.txt"]],
    ["a''b \"\"", ["ab", ""]],
    ["  lead   trail  ", ["lead", "trail"]],
    ["a\\\nb", ["ab"]],
    ["", []],
  ];
  for (const [src, want] of cases) assert.deepEqual(splitCommand(src), { ok: want }, src);
  for (const bad of ["'a", '"a', "a\\"]) assert.ok("error" in splitCommand(bad), bad);
});

Deno.test("argv[0] resolution: relative with slash against the config folder, bare stays bare", () => {
  const argv0 = (cmd: string) => ok(`programs:\n  w:\n    cmd: ${cmd}\n`).programs[0]!.argv[0];
  assert.equal(argv0("./bin/x"), "/srv/app/bin/x");
  assert.equal(argv0("../x"), "/srv/x");
  assert.equal(argv0("bin/x"), "/srv/app/bin/x");
  assert.equal(argv0("/abs/x"), "/abs/x");
  assert.equal(argv0("sleep"), "sleep");
  assert.equal(argv0("[./y, ./z]"), "/srv/app/y");
  assert.equal(ok("programs:\n  w:\n    cmd: [a, ./z]\n").programs[0]!.argv[1], "./z");
});

Deno.test("relative stdout/stderr/workingdir/logfile resolve against the config folder", () => {
  const p = ok(prog("stdout: out.log\nstderr: ./out.log\nworkingdir: .")).programs[0]!;
  assert.deepEqual(p.stdout, { kind: "file", path: "/srv/app/out.log" });
  assert.deepEqual(p.stderr, { kind: "file", path: "/srv/app/out.log" });
  assert.equal(p.workingdir, "/srv/app");
  assert.deepEqual(ok(prog('stdout: "none"')).programs[0]!.stdout, { kind: "none" });
  assert.deepEqual(ok(prog("stdout: ./none")).programs[0]!.stdout, {
    kind: "file",
    path: "/srv/app/none",
  });
  assert.equal(ok(prog("workingdir: /does/not/exist")).programs[0]!.workingdir, "/does/not/exist");
});

Deno.test("exitcodes: single value, list, sorted and de-duplicated", () => {
  assert.deepEqual(ok(prog("exitcodes: 2")).programs[0]!.exitcodes, [2]);
  assert.deepEqual(ok(prog("exitcodes: [255, 0, 2, 0]")).programs[0]!.exitcodes, [0, 2, 255]);
});

Deno.test("env values are passed as written", () => {
  const env =
    ok(prog('env: { A: 042, B: 1.50, C: false, D: "", E: ~x, F: null-ish }')).programs[0]!.env;
  assert.deepEqual({ ...env }, { A: "042", B: "1.50", C: "false", D: "", E: "~x", F: "null-ish" });
});

Deno.test("email and loopback checks", () => {
  assert.equal(emailProblem("ops@example.com"), null);
  for (const a of ["ops", "a@b@c", "a b@c", "a@b\r\nBcc: x@y", "<a@b>", ""]) {
    assert.notEqual(emailProblem(a), null, a);
  }
  for (const h of ["127.0.0.1", "127.1.2.3", "localhost", "LOCALHOST", "::1", "[::1]"]) {
    assert.ok(isLoopbackHost(h), h);
  }
  for (const h of ["0.0.0.0", "::", "10.0.0.1", "127.0.0.1.nip.io", "example.com"]) {
    assert.ok(!isLoopbackHost(h), h);
  }
});
