/**
 * S5 in a real browser: a page served by the test on 127.0.0.2 (another site) tries to stop
 * every process with an auto-submitted form POST, an `<img>` GET, and `fetch` calls (no-cors and
 * with a forged header). The handler is wrapped to record what reached it: the attempts arrive
 * and are refused, and no process changes state.
 */
import assert from "node:assert/strict";
import { createWebHandler } from "../../../src/web/handler.ts";
import { FakeSupervisor } from "../../helpers/fake_supervisor.ts";
import { waitFor } from "../../helpers/wait_for.ts";
import { HAVE_CHROMIUM, launch, serveRecorder } from "./browser.ts";

function attackerPage(target: string): string {
  return `<!doctype html><title>cute cats</title>
<iframe name="sink"></iframe>
<form id="f" method="POST" action="${target}/api/stop/all" target="sink">
<input name="x-csrf-token" value="guess"></form>
<img src="${target}/api/stop/all">
<img src="${target}/api/restart/db">
<script>
const results = [];
Promise.allSettled([
  fetch("${target}/api/stop/all", { method: "POST", mode: "no-cors" }),
  fetch("${target}/api/stop/db", { method: "POST", headers: { "X-CSRF-Token": "guess" } }),
  fetch("${target}/api/status").then((r) => r.text()),
]).then((all) => {
  document.title = "done " + all.map((r) => r.status).join(",");
});
document.getElementById("f").submit();
</script>`;
}

Deno.test({
  name: "e2e S5: a cross-origin page cannot stop a process (form POST, img GET, fetch)",
  ignore: !HAVE_CHROMIUM,
  async fn() {
    const api = new FakeSupervisor([["web", 2], ["db", 1]]);
    let port = 0;
    const handler = createWebHandler(api, {
      http: { host: "127.0.0.1", port: 0, token: null },
      csrfToken: "f".repeat(64),
      port: () => port,
    });
    const seen: string[] = [];
    const server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen: () => {} },
      async (req) => {
        const res = await handler(req);
        seen.push(`${req.method} ${new URL(req.url).pathname} ${res.status}`);
        return res;
      },
    );
    port = server.addr.port;
    const target = `http://127.0.0.1:${port}`;
    const attacker = serveRecorder("127.0.0.2", attackerPage(target));
    const browser = await launch();
    try {
      const page = await browser.newPage();
      await page.goto(`${attacker.url}/`);
      await page.waitForFunction('document.title.startsWith("done")', null, { timeout: 10_000 });
      // The form submission lands in the iframe after the fetches; wait until it reached us.
      const count = (prefix: string) => seen.filter((s) => s.startsWith(prefix)).length;
      await waitFor(() => count("POST /api/stop/all") >= 2 && count("GET /api/stop/all") >= 1, {
        what: "the form POST, the no-cors fetch and the img GET to reach the daemon",
      });
      assert.deepEqual(api.calls, [], `no mutation; seen: ${seen.join(" | ")}`);
      assert.ok(api.status([]).every((s) => s.state === "RUNNING"));
      for (const line of seen) assert.match(line, / (403|405)$/, line);
      assert.ok(
        seen.some((s) => s.startsWith("GET /api/stop/all")),
        "img GET arrived and was refused",
      );
    } finally {
      await browser.close();
      await attacker.close();
      await server.shutdown();
    }
  },
});
