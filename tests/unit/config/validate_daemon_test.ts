import assert from "node:assert/strict";
import { parseConfigText } from "../../../src/config/load.ts";
import { bad, ok } from "./helpers.ts";
import { daemonDefaults } from "../../helpers/specs.ts";

Deno.test("daemon section defaults", () => {
  const d = ok("programs: {}\n").daemon;
  assert.deepEqual(d, daemonDefaults("/srv/app", "box"));
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

Deno.test("secrets: inline values are listed by key path, { env: NAME } by variable name", () => {
  const d = ok(`taskmaster:
  http: { token: { env: SECRET_X } }
  smtp: { host: mx, password: hunter2 }
programs: {}
`).daemon;
  assert.deepEqual(d.secretEnv, ["SECRET_X"]);
  assert.deepEqual(d.literalSecrets, ["taskmaster.smtp.password"]);
  assert.equal(d.http?.token, "s3cret");
  assert.equal(d.smtp.password, "hunter2");
});

Deno.test("secrets: an empty environment variable counts as unset; a ref needs env", () => {
  const empty = bad("taskmaster: { http: { token: { env: E } } }\nprograms: {}\n", {
    env: (name) => (name === "E" ? "" : undefined),
  });
  assert.match(empty[0]!.text, /taskmaster\.http\.token\.env: environment variable E is not set/);
  const noRef = bad("taskmaster: { http: { token: {} } }\nprograms: {}\n");
  assert.match(noRef[0]!.text, /taskmaster\.http\.token: must be a string or \{ env: NAME \}/);
});

Deno.test("smtp.from defaults to taskmaster@<host name>", () => {
  assert.equal(
    ok("programs: {}\n", { hostname: "mail.example" }).daemon.smtp.from,
    "taskmaster@mail.example",
  );
});

Deno.test("an invalid daemon value falls back to its default but still fails the config", () => {
  const errs = bad("taskmaster: { logbackups: -1, logmaxbytes: x }\nprograms: {}\n");
  assert.deepEqual(errs.map((e) => e.path), ["taskmaster.logbackups", "taskmaster.logmaxbytes"]);
});
