import assert from "node:assert/strict";
import { ABS, bad, ok, parse } from "./helpers.ts";
import { daemonDefaults, makeSpec } from "../../helpers/specs.ts";

Deno.test("minimal program gets every default", () => {
  const c = ok("programs:\n  web:\n    cmd: sleep 5\n");
  assert.equal(c.file, "cfg.yaml");
  assert.equal(c.path, ABS);
  const p = c.programs[0]!;
  // The expected values are the documented defaults (docs/config.md) written out in
  // tests/helpers/specs.ts.
  assert.deepEqual({ ...p, env: { ...p.env } }, makeSpec({ name: "web", argv: ["sleep", "5"] }));
});

Deno.test("daemon section defaults", () => {
  const d = ok("programs: {}\n").daemon;
  assert.deepEqual(d, daemonDefaults("/srv/app", "box"));
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

Deno.test("result is deep-frozen", () => {
  const c = ok("programs:\n  web:\n    cmd: [a, b]\n    env: {X: 1}\n");
  assert.ok(Object.isFrozen(c));
  assert.ok(Object.isFrozen(c.programs));
  assert.ok(Object.isFrozen(c.programs[0]!.argv));
  assert.ok(Object.isFrozen(c.programs[0]!.env));
  assert.ok(Object.isFrozen(c.daemon.alerts));
  assert.throws(() => {
    (c.programs[0]!.argv as string[]).push("x");
  });
});

Deno.test("http: false turns the listener off; http: true keeps defaults", () => {
  assert.equal(ok("taskmaster: { http: false }\nprograms: {}\n").daemon.http, null);
  assert.equal(ok("taskmaster: { http: true }\nprograms: {}\n").daemon.http?.port, 4242);
  assert.equal(
    ok("taskmaster: { http: {host: localhost} }\nprograms: {}\n").daemon.http?.host,
    "localhost",
  );
});

Deno.test("email: a single address becomes a list", () => {
  assert.deepEqual(ok("taskmaster: { email: ops@x.org }\nprograms: {}\n").daemon.email, [
    "ops@x.org",
  ]);
});

Deno.test("merge keys share program settings; explicit keys win", () => {
  const c = ok(`programs:
  a: &d { cmd: /bin/true, numprocs: 2, stoptime: 3 }
  b: { <<: *d, numprocs: 4 }
  c:
    <<: [*d, { stopsignal: INT }]
    env: { X: 1 }
`);
  assert.deepEqual(c.programs.map((p) => [p.name, p.numprocs, p.stoptime, p.stopsignal]), [
    ["a", 2, 3, "SIGTERM"],
    ["b", 4, 3, "SIGTERM"],
    ["c", 2, 3, "SIGINT"],
  ]);
});
