/** `ready:` and `health:` keys (docs/config.md "ready" and "health"): every form and bad form. */
import assert from "node:assert/strict";
import { bad, ok, prog } from "./helpers.ts";

const ready = (lines: string) => ok(prog(lines)).programs[0]!.ready;
const health = (lines: string) => ok(prog(lines)).programs[0]!.health;
const errsOf = (lines: string) => bad(prog(lines)).map((e) => e.text);

Deno.test("ready: defaults, and deadline = max(60, starttime)", () => {
  assert.equal(ok(prog("")).programs[0]!.ready, null);
  assert.deepEqual(ready("ready: {tcp: 5432}"), {
    check: { kind: "tcp", host: "127.0.0.1", port: "5432" },
    period: 1,
    timeout: 1,
    initialdelay: 0,
    deadline: 60,
  });
  assert.equal(ready("starttime: 90\nready: {tcp: 5432}")!.deadline, 90);
  assert.equal(ready("starttime: 5\nready: {tcp: 1, deadline: 5}")!.deadline, 5);
  assert.deepEqual(
    ready("ready: {log: 'ready to accept', period: 0.5, timeout: 2, initialdelay: 3, deadline: 9}"),
    {
      check: { kind: "log", pattern: "ready to accept" },
      period: 0.5,
      timeout: 2,
      initialdelay: 3,
      deadline: 9,
    },
  );
});

Deno.test("ready: tcp forms", () => {
  const tcp = (v: string) => ready(`ready: {tcp: ${v}}`)!.check;
  assert.deepEqual(tcp("'db.local:5432'"), { kind: "tcp", host: "db.local", port: "5432" });
  assert.deepEqual(tcp("'[::1]:80'"), { kind: "tcp", host: "::1", port: "80" });
  assert.deepEqual(tcp("'127.0.0.1:{num+8000}'"), {
    kind: "tcp",
    host: "127.0.0.1",
    port: "{num+8000}",
  });
  assert.deepEqual(tcp("'{num}'"), { kind: "tcp", host: "127.0.0.1", port: "{num}" });
  for (
    const [v, re] of [
      ["0", /port must be from 1 to 65535/],
      ["70000", /port must be from 1 to 65535/],
      ["'::1:80'", /IPv6 host in brackets/],
      ["'host:'", /port must be/],
      ["'{num-1}'", /bad placeholder "\{num-1\}"/],
      ["[1]", /must be a port or "HOST:PORT" \(got a list\)/],
    ] as const
  ) {
    const errs = errsOf(`ready: {tcp: ${v}}`);
    assert.ok(
      errs.some((t) => re.test(t) && t.includes("programs.web.ready.tcp")),
      `${v}: ${errs}`,
    );
  }
});

Deno.test("ready: http forms", () => {
  const http = (v: string) => ready(`ready: {http: ${v}}`)!.check;
  assert.deepEqual(http("'http://127.0.0.1:8080/healthz'"), {
    kind: "http",
    url: "http://127.0.0.1:8080/healthz",
    status: null,
    tlsverify: true,
  });
  assert.deepEqual(http("{url: 'https://x/{num}', status: [204, 200], tlsverify: false}"), {
    kind: "http",
    url: "https://x/{num}",
    status: [200, 204],
    tlsverify: false,
  });
  assert.deepEqual(http("{url: 'http://x', status: 200}")!, {
    kind: "http",
    url: "http://x",
    status: [200],
    tlsverify: true,
  });
  for (
    const [v, re] of [
      ["'ftp://x'", /must be an http:\/\/ or https:\/\/ URL/],
      ["'not a url'", /must be an http/],
      ["{status: [200]}", /missing required key "url"/],
      ["{url: 'http://x', status: [99]}", /status: must be an HTTP status from 100 to 599/],
      ["{url: 'http://x', status: []}", /must list at least one HTTP status/],
      ["{url: 'http://x', tlsverfy: false}", /did you mean "tlsverify"/],
      ["'http://x/{num+x}'", /bad placeholder/],
    ] as const
  ) {
    const errs = errsOf(`ready: {http: ${v}}`);
    assert.ok(errs.some((t) => re.test(t)), `${v}: ${errs}`);
  }
});

Deno.test("ready: exec and log forms", () => {
  assert.deepEqual(ready("ready: {exec: 'pg_isready -q -p \"5 4\"'}")!.check, {
    kind: "exec",
    argv: ["pg_isready", "-q", "-p", "5 4"],
  });
  assert.deepEqual(ready("ready: {exec: [/bin/sh, -c, 'exit 0']}")!.check, {
    kind: "exec",
    argv: ["/bin/sh", "-c", "exit 0"],
  });
  for (
    const [v, re] of [
      ["{exec: ''}", /must name a command/],
      ["{exec: []}", /must name a command/],
      ["{exec: [a, {b: 1}]}", /list items must be strings/],
      ["{exec: 'check {num+}'}", /bad placeholder/],
      ["{log: '('}", /log: invalid regular expression/],
      ["{log: '(a+)+$'}", /backtrack/],
      ["{log: ''}", /must not be empty/],
    ] as const
  ) {
    const errs = errsOf(`ready: ${v}`);
    assert.ok(errs.some((t) => re.test(t)), `${v}: ${errs}`);
  }
});

Deno.test("ready: zero or two kinds, bad numbers, deadline < starttime only when written", () => {
  const cases: [string, RegExp][] = [
    ["ready: {period: 1}", /programs\.web\.ready: needs exactly one check: tcp, http, exec or log/],
    ["ready: {tcp: 1, http: 'http://x'}", /not both tcp and http/],
    ["ready: {tcp: 1, period: 0}", /ready\.period: must be a number of seconds > 0/],
    ["ready: {tcp: 1, timeout: -1}", /ready\.timeout: must be a number of seconds/],
    ["ready: {tcp: 1, initialdelay: x}", /ready\.initialdelay: must be a number/],
    ["starttime: 10\nready: {tcp: 1, deadline: 5}", /ready\.deadline: must be ≥ starttime \(10\)/],
    ["ready: {tcp: 1, dedline: 5}", /did you mean "deadline"/],
    ["ready: 5432", /ready: must be a map/],
  ];
  for (const [lines, re] of cases) {
    const errs = errsOf(lines);
    assert.ok(errs.some((t) => re.test(t)), `${lines}: ${errs}`);
  }
  assert.equal(ready("starttime: 100\nready: {tcp: 1}")!.deadline, 100);
});

Deno.test("health: defaults, every key, and bad forms", () => {
  assert.equal(ok(prog("")).programs[0]!.health, null);
  assert.deepEqual(health("health: {http: 'http://127.0.0.1:{num+8000}/health'}"), {
    check: {
      kind: "http",
      url: "http://127.0.0.1:{num+8000}/health",
      status: null,
      tlsverify: true,
    },
    period: 10,
    timeout: 2,
    failures: 3,
    initialdelay: 0,
    action: "restart",
  });
  assert.deepEqual(
    health(
      "health: {exec: /bin/true, period: 5, timeout: 1, failures: 1, initialdelay: 2, action: none}",
    ),
    {
      check: { kind: "exec", argv: ["/bin/true"] },
      period: 5,
      timeout: 1,
      failures: 1,
      initialdelay: 2,
      action: "none",
    },
  );
  const cases: [string, RegExp][] = [
    ["health: {log: x}", /health\.log: unknown key/],
    ["health: {}", /health: needs exactly one check: tcp, http or exec/],
    ["health: {tcp: 1, failures: 0}", /health\.failures: must be an integer ≥ 1/],
    ["health: {tcp: 1, action: kill}", /health\.action: must be restart or none \(got kill\)/],
    ["health: {tcp: 1, deadline: 3}", /health\.deadline: unknown key/],
  ];
  for (const [lines, re] of cases) {
    const errs = errsOf(lines);
    assert.ok(errs.some((t) => re.test(t)), `${lines}: ${errs}`);
  }
});
