/** `GET /metrics` through the web handler: content type, the same guards as every GET, methods. */
import { assertEquals, assertMatch } from "./assert.ts";
import { req, setup } from "./web_helpers.ts";
import { parseMetrics, valueOf } from "../../helpers/prometheus.ts";

Deno.test("GET /metrics answers the text format over the supervisor's status and info", async () => {
  const { api, handler } = setup();
  await api.stop(["worker"]);
  const res = await handler(req("/metrics"));
  assertEquals(res.status, 200);
  assertEquals(res.headers.get("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  assertEquals(res.headers.get("x-content-type-options"), "nosniff");
  assertMatch(res.headers.get("server-timing") ?? "", /^render;dur=\d+\.\d{3}$/);
  const f = parseMetrics(await res.text());
  assertEquals(valueOf(f, "taskmaster_process_up", { process: "web:1", program: "web" }), 1);
  assertEquals(valueOf(f, "taskmaster_process_up", { process: "worker" }), 0);
  assertEquals(valueOf(f, "taskmaster_process_state", { process: "worker", state: "STOPPED" }), 1);
  assertEquals(valueOf(f, "taskmaster_info", { version: api.info().version }), 1);
});

Deno.test("HEAD /metrics: headers only; other methods 405 with Allow", async () => {
  const { handler } = setup();
  const head = await handler(req("/metrics", { method: "HEAD" }));
  assertEquals(head.status, 200);
  assertEquals(head.headers.get("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  assertEquals(await head.text(), "");
  for (const method of ["POST", "PUT", "DELETE"]) {
    const res = await handler(req("/metrics", { method }));
    assertEquals(res.status, 405, method);
    assertEquals(res.headers.get("allow"), "GET, HEAD");
  }
});

Deno.test("/metrics: a foreign Host is refused before anything is read", async () => {
  const { api, handler } = setup();
  for (const host of ["evil.example", "evil.example:4242", "127.0.0.1:9999", null]) {
    const res = await handler(req("/metrics", { host }));
    assertEquals(res.status, 403, String(host));
  }
  assertEquals([api.count("status"), api.count("info")], [0, 0], "nothing read");
});

Deno.test("/metrics with http.token: 401 without it, 200 with Bearer or the cookie", async () => {
  const { handler } = setup({ token: "s3cret" });
  const none = await handler(req("/metrics"));
  assertEquals(none.status, 401);
  assertEquals(none.headers.get("www-authenticate"), 'Bearer realm="taskmaster"');
  assertEquals((await handler(req("/metrics?token=s3cret"))).status, 401, "no token in URLs");
  const wrong = await handler(req("/metrics", { headers: { authorization: "Bearer nope" } }));
  assertEquals(wrong.status, 401);
  const bearer = await handler(req("/metrics", { headers: { authorization: "Bearer s3cret" } }));
  assertEquals(bearer.status, 200);
  parseMetrics(await bearer.text());
  const cookie = await handler(req("/metrics", { headers: { cookie: "taskmaster_token=s3cret" } }));
  assertEquals(cookie.status, 200);
});

Deno.test("/metrics from a cross-site page is refused", async () => {
  const { handler } = setup();
  const res = await handler(req("/metrics", { headers: { "sec-fetch-site": "cross-site" } }));
  assertEquals(res.status, 403);
});
