/**
 * Handler tests of the safety rules of the :4242 page (docs/web.md "Guards"; rows S4–S6, B4, B5, B9
 * of docs/reliability.md).
 */
import { assert, assertEquals, assertMatch, assertStringIncludes } from "./assert.ts";
import { CSRF, post, req, setup } from "./web_helpers.ts";
import { constantTimeEqual, hostAllowed } from "../../../src/web/guard.ts";
import { CSP } from "../../../src/web/responses.ts";

const EVERY_ROUTE = [
  "/",
  "/logs",
  "/static/app.js",
  "/api/status",
  "/api/daemon",
  "/api/output/worker",
];

Deno.test("S6: foreign, rebinding, empty and missing Host are 403 on every route", async () => {
  const { api, handler } = setup();
  const hosts = [
    "evil.example:4242",
    "127.0.0.1.nip.io:4242",
    "127.0.0.1:4243",
    "localhost:80",
    "localhost",
    "",
    "127.0.0.1:4242@evil",
    "[::2]:4242",
  ];
  for (const host of hosts) {
    for (const path of [...EVERY_ROUTE, "/api/events"]) {
      const res = await handler(req(path, { host }));
      assertEquals(res.status, 403, `${host} ${path}`);
      await res.body?.cancel();
    }
    const res = await handler(
      req("/api/stop/all", { host, method: "POST", headers: { "x-csrf-token": CSRF } }),
    );
    assertEquals(res.status, 403);
  }
  const missing = await handler(req("/api/status", { host: null }));
  assertEquals(missing.status, 403);
  assertEquals(api.calls, []);
});

Deno.test("S6: loopback names and http.host with the right port are allowed", () => {
  const http = { host: "127.0.0.1", port: 4242, token: null };
  for (const host of ["localhost:4242", "127.0.0.1:4242", "[::1]:4242", "LOCALHOST:4242"]) {
    assert(hostAllowed(host, http, 4242), host);
  }
  assert(hostAllowed("box.lan:8080", { host: "box.lan", port: 8080, token: "t" }, 8080));
  assert(hostAllowed("[fe80::1]:9000", { host: "fe80::1", port: 9000, token: "t" }, 9000));
  assert(hostAllowed("localhost", http, 80), "port 80 may be omitted");
  assert(!hostAllowed("box.lan:4242", http, 4242));
});

Deno.test("S5: cross-site Origin or Sec-Fetch-Site is 403; missing Origin allowed", async () => {
  const { api, handler } = setup();
  const foreign = [
    { origin: "http://127.0.0.2:8080" },
    { origin: "http://evil.example" },
    { origin: "http://127.0.0.1:9999" },
    { origin: "null" },
    { "sec-fetch-site": "cross-site" },
  ];
  for (const headers of foreign) {
    assertEquals(
      (await handler(post("/api/stop/all", headers))).status,
      403,
      JSON.stringify(headers),
    );
    assertEquals(
      (await handler(req("/api/status", { headers }))).status,
      403,
      JSON.stringify(headers),
    );
  }
  // Another port on the same host is same-site, but a mutation must come from this origin.
  assertEquals(
    (await handler(post("/api/stop/all", { "sec-fetch-site": "same-site" }))).status,
    403,
  );
  assertEquals(api.calls, []);
  const same = await handler(
    post("/api/stop/db", { origin: "http://127.0.0.1:4242", "sec-fetch-site": "same-origin" }),
  );
  assertEquals(same.status, 200);
  assertEquals((await handler(req("/api/status"))).status, 200, "no Origin at all");
  assertEquals(api.calls, ["stop:db"]);
});

Deno.test("S5: missing or wrong CSRF token is 403 and changes nothing", async () => {
  const { api, handler } = setup();
  const cases = [{}, { "x-csrf-token": "" }, { "x-csrf-token": CSRF.slice(1) }, {
    "x-csrf-token": CSRF + "0",
  }, { "x-csrf-token": "d".repeat(64) }];
  for (const headers of cases) {
    const res = await handler(req("/api/stop/all", { method: "POST", headers }));
    assertEquals(res.status, 403, JSON.stringify(headers));
    assertEquals((await res.json()).error.code, "FORBIDDEN");
  }
  // A form POST carries the token only as a body field: still refused.
  const form = await handler(
    req("/api/stop/all", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: `x-csrf-token=${CSRF}`,
    }),
  );
  assertEquals(form.status, 403);
  assertEquals(api.calls, []);
});

Deno.test("S4: with http.token every request needs Bearer or the cookie (401)", async () => {
  const { api, handler } = setup({ token: "s3cret-token" });
  for (const path of EVERY_ROUTE) {
    const res = await handler(req(path));
    assertEquals(res.status, 401, path);
    assertEquals(res.headers.get("www-authenticate"), 'Bearer realm="taskmaster"');
  }
  const wrong = { authorization: "Bearer s3cret-tokeN" };
  assertEquals((await handler(req("/api/status", { headers: wrong }))).status, 401);
  assertEquals((await handler(post("/api/stop/all", wrong))).status, 401);
  assertEquals(
    (await handler(post("/api/stop/all", { cookie: "taskmaster_token=nope" }))).status,
    401,
  );
  assertEquals(api.calls, []);
  const right = { authorization: "Bearer s3cret-token" };
  assertEquals((await handler(req("/api/status", { headers: right }))).status, 200);
  assertEquals((await handler(post("/api/stop/db", right))).status, 200);
  // The token does not replace the CSRF check.
  assertEquals(
    (await handler(req("/api/stop/db", { method: "POST", headers: right }))).status,
    403,
  );
  assertEquals(api.calls, ["stop:db"]);
});

Deno.test("S4: /?token=TOKEN sets an HttpOnly SameSite=Strict cookie that then suffices", async () => {
  const { handler } = setup({ token: "s3cret token/+" });
  const bad = await handler(req("/?token=guess"));
  assertEquals(bad.status, 401);
  const visit = await handler(req("/?token=s3cret%20token%2F%2B"));
  assertEquals(visit.status, 303);
  assertEquals(visit.headers.get("location"), "/");
  const cookie = visit.headers.get("set-cookie") ?? "";
  assertMatch(cookie, /HttpOnly/);
  assertMatch(cookie, /SameSite=Strict/);
  const pair = cookie.split(";")[0] ?? "";
  const page = await handler(req("/", { headers: { cookie: `other=1; ${pair}` } }));
  assertEquals(page.status, 200);
  await page.body?.cancel();
  const stop = await handler(post("/api/stop/db", { cookie: pair }));
  assertEquals(stop.status, 200);
});

Deno.test("constant-time compare: equal only for identical strings", () => {
  assert(constantTimeEqual("abc", "abc"));
  assert(!constantTimeEqual("abc", "abd"));
  assert(!constantTimeEqual("abc", "abcd"));
  assert(!constantTimeEqual("", "a"));
  assert(constantTimeEqual("", ""));
});

Deno.test("B5: every response carries CSP, nosniff and no-referrer", async () => {
  const { handler } = setup();
  assertStringIncludes(CSP, "script-src 'self'");
  assert(!CSP.includes("unsafe-inline"));
  for (
    const request of [
      ...EVERY_ROUTE.map((p) => req(p)),
      req("/x"),
      req("/", { host: "evil:4242" }),
      post("/api/stop/nope"),
    ]
  ) {
    const res = await handler(request);
    assertEquals(res.headers.get("content-security-policy"), CSP, request.url);
    assertEquals(res.headers.get("x-content-type-options"), "nosniff");
    assertEquals(res.headers.get("referrer-policy"), "no-referrer");
    await res.body?.cancel();
  }
});

Deno.test("B5: child output, names and event fields are escaped and ANSI-stripped in HTML", async () => {
  const { api, handler } = setup();
  const payload =
    `<script>fetch("http://127.0.0.1:1/x")</script><img src=x onerror=alert(1)>"'\x1b[31mRED\x1b]0;title\x07`;
  api.proc("worker").description = payload;
  api.events.emit("WARN", "exited", { process: `<b>"x"</b>`, program: "worker" }, {
    reason: payload,
    [`<i>k`]: "javascript:alert(1)",
  });
  for (const path of ["/", "/logs"]) {
    const page = await (await handler(req(path))).text();
    assert(!page.includes("<script>fetch"), path);
    assert(!page.includes("<img src=x"), path);
    assert(!page.includes("\x1b"), `${path}: ANSI stripped`);
    assertStringIncludes(
      page,
      "&lt;script&gt;fetch(&quot;http://127.0.0.1:1/x&quot;)&lt;/script&gt;",
    );
    assertStringIncludes(page, "&#39;RED");
  }
  const logs = await (await handler(req("/logs"))).text();
  assertStringIncludes(logs, "&lt;b&gt;&quot;x&quot;&lt;/b&gt;");
  assertStringIncludes(logs, "&lt;i&gt;k");
});

Deno.test("B5: raw output is text/plain with nosniff, bytes unchanged", async () => {
  const { api, handler } = setup();
  const bytes = new Uint8Array([0x3c, 0x73, 0x63, 0x72, 0x69, 0x70, 0x74, 0x3e, 0xff, 0xfe, 0x0a]);
  api.print("db", "stdout", bytes);
  const res = await handler(req("/api/output/db"));
  assertEquals(res.headers.get("content-type"), "text/plain; charset=utf-8");
  assertEquals(res.headers.get("x-content-type-options"), "nosniff");
  assertEquals(new Uint8Array(await res.arrayBuffer()), bytes);
});

Deno.test("B9: oversized request bodies are 413 and change nothing", async () => {
  const { api, handler } = setup();
  const declared = await handler(
    req("/api/stop/all", {
      method: "POST",
      headers: { "x-csrf-token": CSRF, "content-length": String(100 * 1024 * 1024) },
    }),
  );
  assertEquals(declared.status, 413);
  const streamed = new ReadableStream<Uint8Array>({
    pull(controller) {
      controller.enqueue(new Uint8Array(8192));
    },
  });
  const chunked = await handler(
    req("/api/stop/all", { method: "POST", headers: { "x-csrf-token": CSRF }, body: streamed }),
  );
  assertEquals(chunked.status, 413);
  assertEquals(api.calls, []);
  const small = await handler(
    req("/api/stop/db", { method: "POST", headers: { "x-csrf-token": CSRF }, body: "{}" }),
  );
  assertEquals(small.status, 200);
});
