/**
 * B2/B3 (docs/reliability.md): hostile program names and command names against the control handler
 * (createControlHandler over a fake supervisor). Every reply is a well-formed error envelope with
 * a closed error code, never a 500, and the built-in prototypes are unchanged afterwards.
 */
import assert from "node:assert/strict";
import { createControlHandler } from "../../src/control/handler.ts";
import { COMMAND_NAMES } from "../../src/protocol/commands.ts";
import { isErrorCode } from "../../src/protocol/errors.ts";
import { hostileScenario } from "../helpers/fake_scenarios.ts";
import { snapshotPrototypes } from "./lib/prototypes.ts";

/** The B2 list: names that hit object internals, paths, globs, control characters, huge input. */
export const HOSTILE_NAMES: readonly string[] = [
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "hasOwnProperty",
  "valueOf",
  "__defineGetter__",
  "__proto__:0",
  "constructor:0",
  "web:__proto__",
  "web:1",
  "web:-1",
  "web:01",
  "web:1e3",
  "worker:2",
  "worker:NaN",
  "",
  " ",
  "a".repeat(60_000),
  "a".repeat(100_000),
  "a/../b",
  "../../etc/passwd",
  "*",
  "web*",
  "%2e%2e",
  "web\n",
  "web\u0000",
  "\u001b[31mred",
  "web\r\nX-Injected: 1",
  "all:0",
  "ALL",
  "Web",
  "\ud800",
  "removed_by_reload",
];

async function post(
  handler: (req: Request) => Promise<Response>,
  path: string,
  body: unknown,
): Promise<
  { status: number; envelope: { ok: boolean; error?: { code: string; message: string } } }
> {
  const response = await handler(
    new Request(`http://localhost${path}`, {
      method: "POST",
      body: typeof body === "string" ? body : JSON.stringify(body),
    }),
  );
  const text = await response.text();
  return { status: response.status, envelope: JSON.parse(text) };
}

Deno.test("B2: hostile program names get BAD_NAME from every command, never a 500", async () => {
  const api = hostileScenario();
  const handler = createControlHandler(api);
  const protos = snapshotPrototypes();
  const started = performance.now();
  let replies = 0;
  for (const name of HOSTILE_NAMES) {
    const bodies: [string, unknown][] = [
      ["status", { names: [name] }],
      ["start", { names: [name] }],
      ["stop", { names: [name] }],
      ["restart", { names: [name] }],
      ["signal", { signal: "TERM", names: [name] }],
      ["pid", { names: [name] }],
      ["tail", { name }],
      ["stdin", { name, data: "aGk=" }],
    ];
    for (const [command, body] of bodies) {
      const { status, envelope } = await post(handler, `/v1/${command}`, body);
      replies++;
      const label = `${command} ${JSON.stringify(name.slice(0, 40))}`;
      assert.notEqual(status, 500, `${label}: 500 ${JSON.stringify(envelope)}`);
      assert.equal(envelope.ok, false, `${label}: accepted`);
      // The empty name is a malformed request rather than an unknown one.
      // A body over the 64 KiB cap is refused before its names are read.
      const expected = name.length > 64 * 1024
        ? "TOO_LARGE"
        : name === "" && (command === "tail" || command === "stdin")
        ? "BAD_REQUEST"
        : "BAD_NAME";
      assert.equal(envelope.error?.code, expected, `${label}: ${JSON.stringify(envelope)}`);
      assert(isErrorCode(envelope.error?.code), label);
      const message = envelope.error?.message ?? "";
      // deno-lint-ignore no-control-regex
      assert(!/[\x00-\x1f]/.test(message), `${label}: control characters echoed in message`);
      assert(message.length <= 400, `${label}: message of ${message.length} chars`);
    }
    // The same names through the streaming route.
    const stream = await handler(
      new Request(`http://localhost/v1/output?name=${encodeURIComponent(name.toWellFormed())}`),
    );
    await stream.body?.cancel();
    assert.notEqual(stream.status, 500, `output ${JSON.stringify(name.slice(0, 40))}`);
    assert.notEqual(stream.status, 200, `output ${JSON.stringify(name.slice(0, 40))}`);
  }
  assert.deepEqual(protos.diff(), []);
  // Hostile names never reach a real action: start/stop were only asked to resolve names.
  const ms = performance.now() - started;
  console.log(
    `B2: ${HOSTILE_NAMES.length} names × 9 routes = ${replies} replies, 0 × 500, ` +
      `prototypes unchanged, ${ms.toFixed(0)} ms`,
  );
});

Deno.test("B3: only the documented verbs exist; hostile command names are UNKNOWN_COMMAND", async () => {
  const api = hostileScenario();
  const handler = createControlHandler(api);
  const protos = snapshotPrototypes();
  const verbs = [
    "__proto__",
    "constructor",
    "prototype",
    "toString",
    "hasOwnProperty",
    "valueOf",
    "__defineSetter__",
    "status.constructor",
    "status/__proto__",
    // (`status/../shutdown` is not listed: URL parsing normalises it to `/v1/shutdown`, a
    // documented verb, exactly as any HTTP client would.)
    "..%2fshutdown",
    "%73tatus",
    "STATUS",
    "Status",
    "status%20",
    "status%00",
    "exec",
    "run",
    "spawn",
    "eval",
    "setConfig",
    "config",
    "configFile",
    "update",
    "",
    "v1",
    "x".repeat(10_000),
  ];
  for (const verb of verbs) {
    for (const prefix of ["/v1/", "/", "/v2/", "/v1//"]) {
      const { status, envelope } = await post(handler, `${prefix}${verb}`, {});
      const label = `${prefix}${verb.slice(0, 40)}`;
      assert.notEqual(status, 500, label);
      // `/v1//status`-style paths and unprefixed verbs are unknown too.
      assert.equal(envelope.ok, false, `${label} accepted: ${JSON.stringify(envelope)}`);
      assert.equal(
        envelope.error?.code,
        "UNKNOWN_COMMAND",
        `${label}: ${JSON.stringify(envelope)}`,
      );
    }
  }
  // Every documented verb answers (with the right body) and nothing else does: GET on a verb
  // is refused, a verb with a prototype-ish body field is handled by own-key reads.
  for (const command of COMMAND_NAMES) {
    const get = await handler(new Request(`http://localhost/v1/${command}`));
    const envelope = await get.json();
    assert.equal(envelope.ok, false, `GET ${command} accepted`);
    assert.notEqual(get.status, 500);
  }
  const polluting = [
    `{"__proto__":{"polluted":"yes","names":["web"]}}`,
    `{"constructor":{"prototype":{"polluted":"yes"}}}`,
    `{"names":["web"],"__proto__":{"isAdmin":true}}`,
    `{"dryRun":true,"__proto__":{"dryRun":false}}`,
  ];
  for (const body of polluting) {
    for (const command of ["status", "start", "reload", "tail"]) {
      const { status } = await post(handler, `/v1/${command}`, body);
      assert.notEqual(status, 500, `${command} ${body}`);
    }
  }
  // `names` smuggled in through __proto__ must not count as a names field.
  const smuggled = await post(handler, "/v1/start", `{"__proto__":{"names":["web"]}}`);
  assert.equal(smuggled.envelope.error?.code, "BAD_REQUEST");
  assert.deepEqual(protos.diff(), []);
  assert.equal(api.count("shutdown"), 0, "a hostile verb reached shutdown");
  console.log(
    `B3: ${verbs.length} verbs × 4 prefixes UNKNOWN_COMMAND; ${COMMAND_NAMES.length} documented ` +
      `verbs; prototypes unchanged`,
  );
});
