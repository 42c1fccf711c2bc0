import { assert, assertEquals, assertMatch } from "./asserts.ts";
import { createControlHandler } from "../../../src/control/handler.ts";
import { lastLines } from "../../../src/control/dispatch.ts";
import { MAX_REQUEST_BYTES } from "../../../src/protocol/commands.ts";
import { API_VERSION } from "../../../src/protocol/version.ts";
import { controlScenario } from "../../helpers/fake_scenarios.ts";

function post(path: string, body: BodyInit | null): Request {
  return new Request(`http://taskmasterd${path}`, { method: "POST", body });
}

async function call(
  handler: (r: Request) => Promise<Response>,
  path: string,
  body: BodyInit | null,
) {
  const res = await handler(post(path, body));
  assertEquals(res.headers.get("x-taskmaster-api"), String(API_VERSION));
  return { status: res.status, json: await res.json() };
}

Deno.test("control handler answers every command with an ok envelope", async () => {
  const api = controlScenario();
  let hook = 0;
  const handler = createControlHandler(api, { onShutdownRequested: () => hook++ });
  const cases: [string, unknown, (r: unknown) => void][] = [
    ["version", {}, (r) => assertEquals(r, { version: "0.1.0", apiVersion: API_VERSION })],
    ["status", {}, (r) => assertEquals((r as unknown[]).length, 4)],
    ["status", { names: ["web"] }, (r) => assertEquals((r as unknown[]).length, 2)],
    [
      "start",
      { names: ["worker"] },
      (r) => assertEquals((r as { message: string }[])[0]!.message, "started"),
    ],
    [
      "stop",
      { names: ["worker"] },
      (r) => assertEquals((r as { message: string }[])[0]!.message, "stopped"),
    ],
    ["restart", { names: ["web:1"] }, (r) => assertEquals((r as unknown[]).length, 1)],
    [
      "signal",
      { signal: "HUP", names: ["web:0"] },
      (r) => assertEquals((r as { ok: boolean }[])[0]!.ok, true),
    ],
    ["reload", { dryRun: true }, (r) => assertEquals((r as { added: string[] }).added, ["api"])],
    ["info", {}, (r) => assertEquals((r as { pid: number }).pid, 1234)],
    [
      "pid",
      { names: ["web"] },
      (r) => assertEquals(r, [{ name: "web:0", pid: 4100 }, { name: "web:1", pid: 6001 }]),
    ],
    [
      "tail",
      { name: "web:0", lines: 2 },
      (r) => assertEquals((r as { text: string }).text, "line 19\nline 20\n"),
    ],
    [
      "tail",
      { name: "web:0", stream: "stderr" },
      (r) => assertEquals((r as { text: string }).text, "oops\n"),
    ],
    ["log", { lines: 1 }, (r) => assertEquals((r as { event: string }[])[0]!.event, "exited")],
    ["stdin", { name: "web:0", data: btoa("hi\n") }, (r) => assertEquals(r, { bytes: 3 })],
    ["alertTest", {}, (r) => assertEquals(r, { message: "250 2.0.0 OK queued" })],
    ["shutdown", {}, (r) => assertEquals(r, { stopped: true })],
  ];
  for (const [name, body, check] of cases) {
    const { status, json } = await call(handler, `/v1/${name}`, JSON.stringify(body));
    assertEquals(status, 200, `${name}: ${JSON.stringify(json)}`);
    assertEquals(json.ok, true);
    check(json.result);
  }
  assert(api.shutdownDone, "shutdown answered before api.shutdown() resolved");
  assertEquals(hook, 1);
  assert(api.log.includes("writeStdin(web:0,hi\n)"));
});

Deno.test("control handler refuses unknown and hostile command names with UNKNOWN_COMMAND", async () => {
  const handler = createControlHandler(controlScenario());
  for (
    const path of [
      "/v1/__proto__",
      "/v1/constructor",
      "/v1/hasOwnProperty",
      "/v1/toString",
      "/v1/status.constructor",
      "/v1/status/extra",
      "/v1/",
      "/status",
      "/v2/status",
      "/v1/STATUS",
      "/v1/%00",
    ]
  ) {
    const { status, json } = await call(handler, path, "{}");
    assertEquals(status, 404, path);
    assertEquals(json.error.code, "UNKNOWN_COMMAND", path);
  }
  const get = await handler(new Request("http://x/v1/status"));
  assertEquals(get.status, 405);
  assertEquals((await get.json()).error.code, "METHOD_NOT_ALLOWED");
});

Deno.test("control handler turns malformed bodies into BAD_REQUEST naming the problem", async () => {
  const handler = createControlHandler(controlScenario());
  const bad: [BodyInit, RegExp][] = [
    ["{", /not valid JSON/],
    ["[]", /must be a JSON object/],
    ["null", /must be a JSON object/],
    ['"x"', /must be a JSON object/],
    [new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), /UTF-8/],
    ['{"names":"web"}', /^names: /],
    ['{"names":[1]}', /^names: /],
    ['{"names":[]}', /^names: at least one/],
    [JSON.stringify({ names: ["a\u0000b"] }), /no such process/],
  ];
  for (const [body, message] of bad) {
    const path = message.source.includes("names") && !message.source.includes("no such")
      ? "/v1/start"
      : "/v1/status";
    const { status, json } = await call(handler, path, body);
    assertEquals(json.ok, false);
    assert(status === 400 || status === 404, `status ${status}`);
    assertMatch(json.error.message, message);
  }
  const fields: [string, unknown, RegExp][] = [
    ["reload", { dryRun: "yes" }, /^dryRun: must be a boolean/],
    ["tail", { name: "web:0", lines: -1 }, /^lines: /],
    ["tail", { name: "web:0", lines: 1.5 }, /^lines: /],
    ["tail", { name: "web:0", stream: "stdin" }, /^stream: /],
    ["tail", {}, /^name: /],
    ["signal", { names: ["web"] }, /^signal: /],
    ["stdin", { name: "web:0", data: "!!not base64" }, /^data: must be base64/],
    ["log", { lines: "10" }, /^lines: /],
  ];
  for (const [name, body, message] of fields) {
    const { status, json } = await call(handler, `/v1/${name}`, JSON.stringify(body));
    assertEquals(status, 400, `${name} ${JSON.stringify(body)}`);
    assertEquals(json.error.code, "BAD_REQUEST");
    assertMatch(json.error.message, message);
  }
});

Deno.test("control handler survives random bytes and deep nesting", async () => {
  const handler = createControlHandler(controlScenario());
  let seed = 42;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let i = 0; i < 300; i++) {
    const bytes = new Uint8Array(Math.floor(rand() * 200));
    for (let j = 0; j < bytes.length; j++) bytes[j] = Math.floor(rand() * 256);
    const { json } = await call(handler, "/v1/status", bytes);
    // Every answer is an envelope; random bytes are never an internal error.
    assert(json.ok === true || json.error.code !== "INTERNAL", JSON.stringify(json));
  }
  for (const depth of [1000, 30_000]) {
    const body = "[".repeat(depth) + "]".repeat(depth);
    const { status, json } = await call(handler, "/v1/status", body);
    assert(status === 400 || status === 413, `depth ${depth}: ${status}`);
    assert(json.ok === false);
  }
  const nested = '{"names":' + "[".repeat(20_000) + "]".repeat(20_000) + "}";
  const { status } = await call(handler, "/v1/status", nested);
  assertEquals(status, 400);
});

Deno.test("control handler caps bodies while reading, whatever Content-Length says", async () => {
  const handler = createControlHandler(controlScenario());
  let produced = 0;
  const chunk = new Uint8Array(16 * 1024).fill(0x20);
  // An endless body: the handler must stop reading shortly after the cap.
  const endless = new ReadableStream<Uint8Array>({
    pull(controller) {
      produced += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
  const res = await handler(post("/v1/status", endless));
  assertEquals(res.status, 413);
  assertEquals((await res.json()).error.code, "TOO_LARGE");
  assert(produced < MAX_REQUEST_BYTES * 2, `read ${produced} bytes`);
  const lying = new Request("http://x/v1/status", {
    method: "POST",
    body: "x".repeat(MAX_REQUEST_BYTES + 1),
    headers: { "content-length": "2" },
  });
  assertEquals((await handler(lying)).status, 413);
  const exact = " ".repeat(MAX_REQUEST_BYTES - 2) + "{}";
  assertEquals((await call(handler, "/v1/status", exact)).status, 200);
});

Deno.test("hostile process names get BAD_NAME and Object.prototype stays clean", async () => {
  const api = controlScenario();
  const handler = createControlHandler(api);
  const before = Object.getOwnPropertyNames(Object.prototype).sort();
  const names = [
    "__proto__",
    "constructor",
    "toString",
    "hasOwnProperty",
    "",
    "a".repeat(100_00),
    "a/../b",
    "*",
    "\u0001\n",
  ];
  for (const name of names) {
    const { status, json } = await call(handler, "/v1/status", JSON.stringify({ names: [name] }));
    assertEquals(status, 404, name.slice(0, 20));
    assertEquals(json.error.code, "BAD_NAME");
    assert(!json.error.message.includes("\n"), "error message must stay one line");
    const start = await call(handler, "/v1/start", JSON.stringify({ names: [name] }));
    assertEquals(start.json.result[0].ok, false);
  }
  const polluting =
    '{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}},"names":["web"]}';
  assertEquals((await call(handler, "/v1/status", polluting)).status, 200);
  assertEquals(Object.getOwnPropertyNames(Object.prototype).sort(), before);
  assertEquals(({} as Record<string, unknown>).polluted, undefined);
});

Deno.test("control handler maps thrown non-protocol errors to INTERNAL 500", async () => {
  const api = controlScenario();
  api.info = () => {
    throw new TypeError("boom");
  };
  const handler = createControlHandler(api);
  const original = console.error;
  const logged: string[] = [];
  console.error = (...args: unknown[]) => logged.push(args.join(" "));
  try {
    const { status, json } = await call(handler, "/v1/info", "{}");
    assertEquals(status, 500);
    assertEquals(json.error, { code: "INTERNAL", message: "boom" });
  } finally {
    console.error = original;
  }
  assertEquals(logged.length, 1);
});

async function readLines(res: Response, n: number): Promise<unknown[]> {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (text.split("\n").length <= n) {
    const step = await reader.read();
    if (step.done) break;
    text += step.value;
  }
  await reader.cancel();
  return text.split("\n").filter((l) => l !== "").slice(0, n).map((l) => JSON.parse(l));
}

Deno.test("events stream replays recent events then follows live ones, and detaches", async () => {
  const api = controlScenario();
  const handler = createControlHandler(api);
  const once = await handler(new Request("http://x/v1/events?lines=2"));
  assertEquals(once.headers.get("content-type"), "application/x-ndjson");
  const all = (await once.text()).trim().split("\n").map((l) => JSON.parse(l));
  assertEquals(all.map((e) => e.event), ["spawned", "exited"]);

  const res = await handler(new Request("http://x/v1/events?follow=1&lines=1"));
  queueMicrotask(() => api.events.emit("INFO", "reload", null, { added: 1 }));
  const lines = await readLines(res, 2) as { event: string }[];
  assertEquals(lines.map((e) => e.event), ["exited", "reload"]);
  // After the reader cancelled, emitting must neither throw nor report a failed subscriber.
  api.events.emit("INFO", "reload", null, {});
  await new Promise((r) => setTimeout(r, 0));
  assertEquals(api.events.recent(1)[0]!.event, "reload");
  const bad = await handler(new Request("http://x/v1/events?lines=abc"));
  assertEquals(bad.status, 400);
});

Deno.test("output stream sends the marked tail, then live chunks, and unsubscribes", async () => {
  const api = controlScenario();
  const handler = createControlHandler(api);
  const res = await handler(new Request("http://x/v1/output?name=web:0&stream=stderr&follow=1"));
  assertEquals(api.followerCount(), 1);
  queueMicrotask(() => api.emitOutput("web:0", "stderr", "live\n"));
  const lines = await readLines(res, 2) as { data: string; tail?: boolean }[];
  assertEquals(lines.map((l) => atob(l.data)), ["oops\n", "live\n"]);
  assertEquals(lines[0]!.tail, true);
  assertEquals(api.followerCount(), 0);
  const unknown = await handler(new Request("http://x/v1/output?name=__proto__"));
  assertEquals(unknown.status, 404);
  assertEquals((await unknown.json()).error.code, "BAD_NAME");
  const res2 = await handler(new Request("http://x/v1/output?name=web:0&follow=1"));
  assertEquals(api.followerCount(), 1);
  await res2.body!.cancel();
  assertEquals(api.followerCount(), 0);
});

Deno.test("lastLines keeps the last N lines", () => {
  assertEquals(lastLines("a\nb\nc\n", 2), "b\nc\n");
  assertEquals(lastLines("a\nb\nc", 2), "b\nc");
  assertEquals(lastLines("a\nb\n", 5), "a\nb\n");
  assertEquals(lastLines("\n\n", 5), "\n\n");
  assertEquals(lastLines("\n\n", 1), "\n");
  assertEquals(lastLines("abc", 0), "");
});

Deno.test("control API actions are recorded as ctl's; reset answers per process (docs/state.md)", async () => {
  const api = controlScenario();
  const handler = createControlHandler(api, { onShutdownRequested: () => {} });
  for (const verb of ["stop", "start", "restart"]) {
    const { status } = await call(handler, `/v1/${verb}`, JSON.stringify({ names: ["worker"] }));
    assertEquals(status, 200);
  }
  assertEquals(api.actors, ["stop:ctl", "start:ctl", "restart:ctl"]);
  const { json } = await call(handler, "/v1/reset", JSON.stringify({ names: ["worker", "nope"] }));
  assertEquals(json.result.map((r: { name: string; ok: boolean }) => [r.name, r.ok]), [
    ["worker", true],
    ["nope", false],
  ]);
  const bad = await call(handler, "/v1/reset", JSON.stringify({}));
  assertEquals([bad.status, bad.json.error.code], [400, "BAD_REQUEST"]);
});
