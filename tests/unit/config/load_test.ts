import assert from "node:assert/strict";
import { loadConfig } from "../../../src/config/load.ts";
import { bad, ok, parse } from "./helpers.ts";

const DIR = new URL("../../fixtures/configs/", import.meta.url).pathname;

Deno.test("loadConfig: fixtures load, relative to the config's folder", async () => {
  const r = await loadConfig(`${DIR}minimal.yaml`);
  assert.ok(r.ok);
  assert.equal(r.config.daemon.socket, `${DIR}taskmasterd.sock`);
  // Inline secrets would need a 0600 file, which git cannot record: the fixture uses the env.
  const f = await loadConfig(`${DIR}full.yaml`, {
    env: (name) => name === "TM_FIXTURE_SMTP_PASSWORD" ? "p" : undefined,
  });
  if (!f.ok) throw new Error(f.errors.map((e) => e.text).join("\n"));
  assert.equal(f.config.daemon.logfile, `${DIR}logs/taskmasterd.log`);
  assert.equal(f.config.programs[0]!.umask, 0o22);
  assert.equal(f.config.daemon.alerts.httpError, false);
});

Deno.test("loadConfig: each bad fixture fails with exactly its error", async () => {
  const cases: [string, string][] = [
    [
      "bad_numprocs.yaml",
      ":4:15: programs.web.numprocs: must be an integer from 1 to 10000 (got 0)",
    ],
    ["bad_unknown_key.yaml", ':4:5: programs.web.numproc: unknown key (did you mean "numprocs"?)'],
    ["bad_syntax.yaml", ":4:1: YAML syntax error: "],
    ["bad_empty.yaml", ": config file is empty"],
  ];
  for (const [name, tail] of cases) {
    const file = `${DIR}${name}`;
    const r = await loadConfig(file);
    assert.ok(!r.ok, name);
    assert.ok(r.errors[0]!.text.startsWith(file + tail), r.errors[0]!.text);
  }
});

Deno.test("loadConfig: file-level errors keep the path as passed", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const missing = await loadConfig(`${dir}/nope.yaml`);
    assert.ok(!missing.ok);
    assert.equal(missing.errors[0]!.text, `${dir}/nope.yaml: cannot read config: no such file`);
    const isDir = await loadConfig(dir);
    assert.ok(!isDir.ok && /not a regular file/.test(isDir.errors[0]!.text));
    await Deno.writeFile(`${dir}/bin.yaml`, new Uint8Array([0xff, 0xfe, 0x00]));
    const bin = await loadConfig(`${dir}/bin.yaml`);
    assert.ok(!bin.ok && /UTF-8/.test(bin.errors[0]!.text));
    await Deno.writeTextFile(`${dir}/locked.yaml`, "programs: {}\n");
    await Deno.chmod(`${dir}/locked.yaml`, 0o000);
    const locked = await loadConfig(`${dir}/locked.yaml`);
    // As root the read succeeds; as anyone else it is a permission error. Both are fine.
    assert.ok(locked.ok || /permission denied/.test(locked.errors[0]!.text));
    const rel = await loadConfig("tests/fixtures/configs/bad_numprocs.yaml");
    assert.ok(!rel.ok);
    assert.ok(rel.errors[0]!.text.startsWith("tests/fixtures/configs/bad_numprocs.yaml:4:15:"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("empty taskmaster section and empty programs are fine; null programs too", () => {
  assert.equal(ok("taskmaster:\nprograms: {}\n").programs.length, 0);
  assert.equal(ok("taskmaster: {}\nprograms:\n").programs.length, 0);
});

Deno.test("programs is required; empty file and comment-only file are errors", () => {
  assert.match(bad("taskmaster: {}\n")[0]!.text, /programs: missing required section/);
  const e = parse("");
  assert.ok(!e.ok && e.errors[0]!.text === "cfg.yaml: config file is empty");
  const c = parse("# nothing\n");
  assert.ok(!c.ok && /empty/.test(c.errors[0]!.text));
  assert.match(bad("- a\n- b\n")[0]!.text, /^cfg\.yaml:1:1: must be a map \(got a list\)/);
});

Deno.test("full config resolves every value", () => {
  const c = ok(`taskmaster:
  logfile: logs/d.log
  email: [a@example.com, b@example.com]
  socket: run/tm.sock
  http: { host: 0.0.0.0, port: 0, token: { env: SECRET_X } }
  smtp: { host: mx, port: 465, secure: true, user: u, password: pw, from: x@y.z, tlsverify: false }
  logmaxbytes: 0
  logbackups: 3
  alerts: { fatal: false, reload-failed: false, crashloop-exits: 3, batch-window: 0.5 }
programs:
  b:
    cmd: ["./run.sh", "--x", 2]
    numprocs: 3
    umask: 077
    workingdir: ../data
    autostart: false
    autorestart: true
    exitcodes: [2, 0, 2]
    startretries: 0
    starttime: 0.25
    stopsignal: sigusr1
    stoptime: 0
    stdout: none
    stderr: /var/log/b.err
    env: { N: 0x1F, B: yes, T: true, S: "q" }
    maxrestartdelay: 0
    logmaxbytes: 0
    logbackups: 0
  a:
    cmd: bin/a
    autorestart: false
`);
  const d = c.daemon;
  assert.equal(d.logfile, "/srv/app/logs/d.log");
  assert.deepEqual(d.email, ["a@example.com", "b@example.com"]);
  assert.equal(d.socket, "/srv/app/run/tm.sock");
  assert.deepEqual(d.http, { host: "0.0.0.0", port: 0, token: "s3cret" });
  assert.deepEqual(d.smtp, {
    host: "mx",
    port: 465,
    secure: true,
    user: "u",
    password: "pw",
    from: "x@y.z",
    tlsverify: false,
  });
  assert.deepEqual(d.secretEnv, ["SECRET_X"]);
  assert.equal(d.logmaxbytes, 0);
  assert.equal(d.logbackups, 3);
  assert.equal(d.alerts.fatal, false);
  assert.equal(d.alerts.reloadFailed, false);
  assert.equal(d.alerts.crashloop, true);
  assert.equal(d.alerts.crashloopExits, 3);
  assert.equal(d.alerts.batchWindow, 0.5);
  const [b, a] = c.programs;
  assert.deepEqual(b!.argv, ["/srv/app/run.sh", "--x", "2"]);
  assert.equal(b!.umask, 0o077);
  assert.equal(b!.workingdir, "/srv/data");
  assert.equal(b!.autorestart, "always");
  assert.deepEqual(b!.exitcodes, [0, 2]);
  assert.equal(b!.starttime, 0.25);
  assert.equal(b!.stopsignal, "SIGUSR1");
  assert.deepEqual(b!.stdout, { kind: "none" });
  assert.deepEqual(b!.stderr, { kind: "file", path: "/var/log/b.err" });
  assert.deepEqual({ ...b!.env }, { N: "0x1F", B: "yes", T: "true", S: "q" });
  assert.equal(b!.order, 0);
  assert.equal(a!.order, 1);
  assert.deepEqual(a!.argv, ["/srv/app/bin/a"]);
  assert.equal(a!.autorestart, "never");
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
