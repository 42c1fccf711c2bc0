/** Handler tests of every route of the :4242 page (contracts of docs/web.md). */
import { assert, assertEquals, assertMatch, assertStringIncludes } from "./assert.ts";
import { CSRF, post, readSse, req, setup } from "./web_helpers.ts";

Deno.test("GET /api/status answers exactly the status array", async () => {
  const { api, handler } = setup();
  const res = await handler(req("/api/status"));
  assertEquals(res.status, 200);
  assertMatch(res.headers.get("content-type") ?? "", /^application\/json/);
  assertEquals(await res.json(), api.status([]));
});

Deno.test("GET /api/daemon answers api.info()", async () => {
  const { api, handler } = setup();
  const res = await handler(req("/api/daemon"));
  assertEquals(await res.json(), api.info());
});

Deno.test("POST /api/stop|start|restart/NAME waits and answers the ActionResult array", async () => {
  const { api, handler } = setup();
  let res = await handler(post("/api/stop/worker"));
  assertEquals(res.status, 200);
  assertEquals(await res.json(), [{
    name: "worker",
    ok: true,
    state: "STOPPED",
    message: "stopped",
  }]);
  assertEquals(api.proc("worker").state, "STOPPED");
  res = await handler(post("/api/start/worker"));
  assertEquals((await res.json())[0].state, "RUNNING");
  res = await handler(post("/api/restart/web%3A1"));
  assertEquals((await res.json()).map((r: { name: string }) => r.name), ["web:1"]);
  assertEquals(api.calls, ["stop:worker", "start:worker", "restart:web:1"]);
});

Deno.test("POST with NAME all acts on every process; a program name on its instances", async () => {
  const { api, handler } = setup();
  const res = await handler(post("/api/stop/all"));
  assertEquals((await res.json()).length, 4);
  assert(api.status([]).every((s) => s.state === "STOPPED"));
  const web = await (await handler(post("/api/start/web"))).json();
  assertEquals(web.map((r: { name: string }) => r.name), ["web:0", "web:1"]);
});

Deno.test("unknown NAME is 404 and changes nothing", async () => {
  const { api, handler } = setup();
  for (const name of ["nope", "web:9", "worker:1", "%2e%2e%2fetc%2fpasswd", "a%00b", "%E0%A4%A"]) {
    const res = await handler(post(`/api/stop/${name}`));
    assertEquals(res.status, 404, name);
    assertEquals((await res.json()).error.code, "BAD_NAME");
  }
  assertEquals(api.calls, []);
});

Deno.test("GET on a POST route is 405 and changes nothing", async () => {
  const { api, handler } = setup();
  for (const path of ["/api/stop/worker", "/api/start/all", "/api/restart/web"]) {
    const res = await handler(req(path));
    assertEquals(res.status, 405);
    assertEquals(res.headers.get("allow"), "POST");
    await res.body?.cancel();
  }
  const head = await handler(req("/api/stop/all", { method: "HEAD" }));
  assertEquals(head.status, 405);
  assertEquals(api.calls, []);
});

Deno.test("POST on a GET route is 405; unknown path is 404", async () => {
  const { handler } = setup();
  assertEquals((await handler(post("/api/status"))).status, 405);
  assertEquals((await handler(post("/logs"))).status, 405);
  assertEquals((await handler(req("/nothing"))).status, 404);
  assertEquals((await handler(req("/static/../../etc/passwd"))).status, 404);
});

Deno.test("GET / renders the dashboard with the CSRF meta tag and every process", async () => {
  const { handler } = setup();
  const res = await handler(req("/"));
  assertEquals(res.status, 200);
  const page = await res.text();
  assertStringIncludes(page, `<meta name="csrf-token" content="${CSRF}">`);
  for (const name of ["web:0", "web:1", "worker", "db"]) {
    assertStringIncludes(page, `data-name="${name}"`);
  }
  assertStringIncludes(page, `<span class="badge st-RUNNING">RUNNING</span>`);
  assertStringIncludes(page, "1h 02m"); // uptime of the fake's processes (since 3725 s ago)
  assertStringIncludes(page, `<script src="/static/app.js" defer></script>`);
  assert(!/<script>|<script [^>]*>[^<]/.test(page), "no inline script");
  assert(!/ style=/.test(page), "no inline style");
});

Deno.test("HEAD / answers the headers without a body", async () => {
  const { handler } = setup();
  const res = await handler(req("/", { method: "HEAD" }));
  assertEquals(res.status, 200);
  assertEquals(res.body, null);
  assertMatch(res.headers.get("content-type") ?? "", /text\/html/);
});

Deno.test("GET /logs renders the latest events server-side, newest last", async () => {
  const { api, handler } = setup();
  api.setState("worker", "BACKOFF", { reason: "spawn error" });
  api.setState("db", "FATAL", { reason: "gave up" });
  const page = await (await handler(req("/logs"))).text();
  const worker = page.indexOf(">backoff<"), db = page.indexOf(">fatal<");
  assert(worker > 0 && db > worker, "both events, oldest first");
  assertStringIncludes(page, `<span class="k">reason</span>=spawn error`);
  assertStringIncludes(page, `data-after="2"`);
});

Deno.test("GET /logs?program=P&level=L filters by program and minimum level", async () => {
  const { api, handler } = setup();
  api.setState("worker", "STOPPED");
  api.setState("worker", "BACKOFF");
  api.setState("db", "FATAL");
  const byProgram = await (await handler(req("/logs?program=worker"))).text();
  assertEquals((byProgram.match(/<li class="ev"/g) ?? []).length, 2);
  assert(!byProgram.includes(">fatal<"));
  const byLevel = await (await handler(req("/logs?level=WARN"))).text();
  assertEquals((byLevel.match(/<li class="ev"/g) ?? []).length, 2);
  assert(!byLevel.includes(">stopped<"));
  const both = await (await handler(req("/logs?program=worker&level=ERROR"))).text();
  assertEquals((both.match(/<li class="ev"/g) ?? []).length, 0);
  assertStringIncludes(both, `<option value="ERROR" selected>`);
});

Deno.test("static assets are served with their types", async () => {
  const { handler } = setup();
  const js = await handler(req("/static/app.js"));
  assertMatch(js.headers.get("content-type") ?? "", /^text\/javascript/);
  assertStringIncludes(await js.text(), "X-CSRF-Token");
  const css = await handler(req("/static/app.css"));
  assertMatch(css.headers.get("content-type") ?? "", /^text\/css/);
  assertStringIncludes(await css.text(), "prefers-color-scheme: dark");
});

Deno.test("GET /api/output/NAME serves the raw tail as text/plain, capped", async () => {
  const { api, handler } = setup();
  api.print("worker", "stdout", "hello\n<b>raw</b>\n");
  api.print("worker", "stderr", "oops\n");
  const res = await handler(req("/api/output/worker?stream=stdout"));
  assertMatch(res.headers.get("content-type") ?? "", /^text\/plain/);
  assertEquals(await res.text(), "hello\n<b>raw</b>\n");
  assertEquals(await (await handler(req("/api/output/worker?stream=stderr"))).text(), "oops\n");
  assertEquals(
    await (await handler(req("/api/output/worker?bytes=4"))).text(),
    "b>\n".padStart(4, "/"),
  );
  api.print("db", "stdout", "x".repeat(70_000));
  const big = await (await handler(req("/api/output/db?bytes=99999999999"))).text();
  assertEquals(big.length, 64 * 1024);
  assertEquals((await handler(req("/api/output/worker?stream=../x"))).status, 400);
});

Deno.test("GET /api/output with traversal or non-process names is 404", async () => {
  const { handler } = setup();
  for (
    const path of [
      "/api/output/..%2f..%2fetc%2fshadow",
      "/api/output/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
      "/api/output/%252e%252e%252f",
      "/api/output/worker%00",
      "/api/output/%2Fetc%2Fpasswd",
      "/api/output/all",
      "/api/output/web", // a program with 2 instances is not one stream
      "/api/output/nope",
    ]
  ) {
    const res = await handler(req(path));
    assertEquals(res.status, 404, path);
    assertEquals((await res.json()).error.code, "BAD_NAME");
  }
});

Deno.test("GET /api/output/NAME?follow=1 streams new output as SSE and unsubscribes", async () => {
  const { api, handler } = setup();
  const res = await handler(req("/api/output/web%3A0?stream=stdout&follow=1"));
  assertMatch(res.headers.get("content-type") ?? "", /^text\/event-stream/);
  assertEquals(api.followerCount(), 1);
  api.print("web:0", "stdout", "\x1b[31mred\x1b[0m line\n");
  const text = await readSse(res, (t) => t.includes("event: output"));
  assertStringIncludes(text, `data: "red line\\n"`);
  assertEquals(api.followerCount(), 0);
});

Deno.test("GET /api/events streams new events; after=SEQ replays missed ones", async () => {
  const { api, handler } = setup();
  api.setState("worker", "STOPPED");
  const res = await handler(req("/api/events?after=0&program=worker"));
  api.setState("db", "STOPPED"); // filtered out
  api.setState("worker", "RUNNING");
  const text = await readSse(res, (t) => (t.match(/event: log/g) ?? []).length >= 2);
  const events = [...text.matchAll(/data: (\{.*\})/g)].map((m) => JSON.parse(m[1] ?? "{}"));
  assertEquals(events.filter((e) => e.seq).map((e) => [e.seq, e.event]), [[1, "stopped"], [
    3,
    "running",
  ]]);
  assertStringIncludes(text, "id: 3\n");
});

Deno.test("closing the server signal ends open SSE streams", async () => {
  const { api, handler, closing } = setup();
  const events = await handler(req("/api/events"));
  const output = await handler(req("/api/output/db?follow=1"));
  closing.abort();
  for (const res of [events, output]) {
    const reader = res.body!.getReader();
    while (!(await reader.read()).done) { /* drain to the end */ }
  }
  assertEquals(api.followerCount(), 0);
});

Deno.test("page actions are recorded as the web page's (docs/state.md)", async () => {
  const { api, handler } = setup();
  await handler(post("/api/stop/worker"));
  await handler(post("/api/start/all"));
  await handler(post("/api/restart/web"));
  assertEquals(api.actors, ["stop:web", "start:web", "restart:web"]);
  await handler(post("/api/stop/worker"));
  const page = await (await handler(req("/"))).text();
  assertMatch(page, /data-label="Description" class="c-desc">held stopped/);
});
