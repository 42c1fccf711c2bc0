/**
 * The dashboard and /logs in real headless Chromium against startWebServer and a fake
 * supervisor: load, live updates, buttons, and escaping of hostile child output (B5).
 */
import assert from "node:assert/strict";
import { startWebServer } from "../../../src/web/server.ts";
import { FakeSupervisor } from "../../helpers/fake_supervisor.ts";
import { waitFor } from "../../helpers/wait_for.ts";
import { cspViolations, HAVE_CHROMIUM, launch, serveRecorder, watchPage } from "./browser.ts";

Deno.test({
  name: "e2e: dashboard and /logs in headless Chromium",
  ignore: !HAVE_CHROMIUM,
  async fn(t) {
    const api = new FakeSupervisor([["web", 2], ["worker", 1], ["db", 1]]);
    const server = await startWebServer(api, { host: "127.0.0.1", port: 0, token: null });
    const canary = serveRecorder("127.0.0.1");
    const browser = await launch();
    try {
      const page = await browser.newPage();
      const problems = await watchPage(page);

      await t.step("page loads with every process and goes live", async () => {
        await page.goto(`${server.url}/`);
        assert.equal(await page.locator("#procs tr").count(), 4);
        await page.locator('#live[data-state="on"]').waitFor({ timeout: 5000 });
        assert.equal(await page.locator('tr[data-name="worker"] .badge').textContent(), "RUNNING");
      });

      await t.step("the table updates live when a process changes state", async () => {
        api.setState("worker", "FATAL", { reason: "gave up" });
        await page.locator('tr[data-name="worker"] .badge.st-FATAL').waitFor({ timeout: 5000 });
        assert.equal(
          await page.locator('tr[data-name="worker"] td.num').first().textContent(),
          "-",
        );
      });

      await t.step("a stop button stops a process", async () => {
        await page.click('tr[data-name="db"] button[data-action="stop"]');
        await waitFor(() => api.proc("db").state === "STOPPED", { what: "db stopped" });
        await page.locator('tr[data-name="db"] .badge.st-STOPPED').waitFor({ timeout: 5000 });
        assert.match(await page.locator("#flash").textContent() ?? "", /db: stopped/);
        assert.deepEqual(api.calls, ["stop:db"]);
      });

      await t.step("output pane shows the tail and follows new output", async () => {
        api.print("web:1", "stdout", "first line\n");
        await page.click('details.out[data-name="web:1"] summary');
        const pre = page.locator('details.out[data-name="web:1"] pre');
        await waitFor(async () => (await pre.textContent())?.includes("first line"), {
          what: "tail loaded",
        });
        // The follow stream opens after the tail loads; keep printing until a line arrives.
        let n = 0;
        await waitFor(async () => {
          api.print("web:1", "stdout", `\x1b[32mlive ${++n}\x1b[0m\n`);
          return (await pre.textContent())?.includes("live ");
        }, { what: "followed output", timeoutMs: 5000 });
        assert.ok(!(await pre.textContent())?.includes("\x1b"), "ANSI stripped");
      });

      await t.step("B5: injected markup in output, names and events never runs", async () => {
        const hit = `${canary.url}/hit`;
        const payload =
          `<script>fetch("${hit}/script")</script><img src=x onerror="fetch('${hit}/img')">` +
          `"><svg onload="fetch('${hit}/svg')"><a href="javascript:fetch('${hit}/js')">x</a>\x1b[31m`;
        api.proc("web:0").description = payload;
        api.print("web:0", "stdout", payload + "\n");
        api.events.emit("WARN", "exited", { process: "web:0", program: "web" }, {
          reason: payload,
        });
        await page.reload();
        await page.click('details.out[data-name="web:0"] summary');
        const pre = page.locator('details.out[data-name="web:0"] pre');
        await waitFor(async () => (await pre.textContent())?.includes("<script>fetch"), {
          what: "payload shown as text in the output pane",
        });
        const desc = await page.locator('tr[data-name="web:0"] .c-desc').textContent();
        assert.ok(
          desc?.includes('<img src=x onerror="fetch('),
          "payload shown as text in the table",
        );

        await page.goto(`${server.url}/logs`);
        const line = page.locator("#events li", { hasText: "<script>fetch" });
        assert.equal(await line.count(), 1, "payload shown as text in /logs");
        // Live path too: an event arriving over SSE is rendered as text.
        api.events.emit("ERROR", "fatal", { process: "web:0", program: "web" }, {
          reason: payload,
        });
        await waitFor(async () => (await line.count()) === 2, { what: "live hostile event" });
        await page.goto(`${server.url}/`);

        for (const p of ["/", "/logs"]) {
          await page.goto(`${server.url}${p}`);
          assert.equal(
            await page.locator("img, svg, main script, a[href^='javascript:']").count(),
            0,
            p,
          );
          assert.deepEqual(
            await cspViolations(page),
            [],
            `${p}: no CSP violation (nothing injected)`,
          );
        }
        assert.deepEqual(canary.hits, [], "canary never hit");
        assert.deepEqual(problems, []);
      });

      await t.step("/logs shows events newest last and appends live ones", async () => {
        await page.goto(`${server.url}/logs?program=worker`);
        const items = page.locator("#events li");
        const before = await items.count();
        assert.ok(before >= 1);
        api.setState("worker", "RUNNING");
        api.setState("db", "RUNNING"); // filtered out
        await waitFor(async () => (await items.count()) === before + 1, { what: "live event" });
        assert.equal(await items.last().locator(".evn").textContent(), "running");
        assert.equal(await items.last().locator(".proc").textContent(), "worker");
      });

      await t.step("/logs is readable without JavaScript", async () => {
        const context = await browser.newContext({ javaScriptEnabled: false });
        const noJs = await context.newPage();
        await noJs.goto(`${server.url}/logs`);
        assert.ok((await noJs.locator("#events li").count()) >= 5);
        await context.close();
      });
    } finally {
      await browser.close();
      await canary.close();
      await server.close();
    }
  },
});
