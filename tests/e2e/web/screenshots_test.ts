/**
 * Renders the dashboard and /logs with realistic fake state in headless Chromium (desktop, phone,
 * dark) and checks the layout: no horizontal overflow on a phone, cards instead of a table.
 * With UPDATE_SCREENSHOTS=1 the PNGs are written to docs/screenshots/, else to a temp dir.
 */
import assert from "node:assert/strict";
import { startWebServer } from "../../../src/web/server.ts";
import { FakeSupervisor } from "../../helpers/fake_supervisor.ts";
import { HAVE_CHROMIUM, launch } from "./browser.ts";

function demoSupervisor(): FakeSupervisor {
  const api = new FakeSupervisor([["nginx", 2], ["api", 1], ["worker", 3], ["cron", 1], [
    "legacy-import",
    1,
  ]]);
  api.events.emit("INFO", "daemon-start", null, {
    pid: 4242,
    config: "/etc/taskmaster/taskmaster.yaml",
  });
  for (const s of api.status([])) {
    api.events.emit("INFO", "spawned", { process: s.name, program: s.program }, { pid: s.pid });
    api.events.emit("INFO", "running", { process: s.name, program: s.program }, { pid: s.pid });
  }
  api.setState("worker:2", "EXITED", { code: 1, expected: "false" });
  api.setState("worker:2", "BACKOFF", { delay: 4 });
  api.proc("worker:2").description = "restarting in 4 s (crash loop)";
  api.proc("worker:2").exitCode = 1;
  api.proc("worker:2").restarts = 5;
  api.setState("cron", "STOPPED", { by: "operator" });
  api.proc("cron").signal = "SIGTERM";
  api.setState("legacy-import", "FATAL", { reason: "exited too quickly 3 times" });
  api.proc("legacy-import").description = "exited too quickly (startretries 3 exhausted)";
  api.proc("legacy-import").exitCode = 127;
  api.proc("api").restarts = 1;
  api.events.emit("WARN", "log-loss", { process: "api", program: "api" }, { bytes: 8192 });
  api.events.emit("INFO", "reload", null, { added: 1, changed: 0, removed: 0 });
  api.print("nginx:0", "stdout", '127.0.0.1 - - "GET / HTTP/1.1" 200 612\n'.repeat(6));
  return api;
}

Deno.test({
  name: "e2e: screenshots of the dashboard and /logs (desktop, phone, dark)",
  ignore: !HAVE_CHROMIUM,
  async fn() {
    const update = Deno.env.get("UPDATE_SCREENSHOTS") === "1";
    const dir = update
      ? new URL("../../../docs/screenshots/", import.meta.url).pathname
      : await Deno.makeTempDir();
    await Deno.mkdir(dir, { recursive: true });
    const api = demoSupervisor();
    const server = await startWebServer(api, { host: "127.0.0.1", port: 0, token: null });
    const browser = await launch();
    try {
      const shots: Array<[string, string, { width: number; height: number }, "light" | "dark"]> = [
        ["dashboard.png", "/", { width: 1280, height: 800 }, "light"],
        ["logs.png", "/logs", { width: 1280, height: 800 }, "light"],
        ["dashboard-dark.png", "/", { width: 1280, height: 800 }, "dark"],
        ["dashboard-phone.png", "/", { width: 390, height: 844 }, "light"],
        ["logs-phone.png", "/logs", { width: 390, height: 844 }, "dark"],
      ];
      for (const [file, path, viewport, colorScheme] of shots) {
        const context = await browser.newContext({ viewport, colorScheme });
        const page = await context.newPage();
        await page.goto(`${server.url}${path}`);
        await page.locator('#live[data-state="on"]').waitFor({ timeout: 5000 });
        if (path === "/") {
          await page.click('details.out[data-name="nginx:0"] summary');
          await page.locator('details.out[data-name="nginx:0"] pre', { hasText: "GET /" })
            .waitFor();
        }
        // Nothing may stick out sideways on a phone (table must have become cards).
        const overflow = await page.evaluate("document.documentElement.scrollWidth - innerWidth");
        assert.ok(Number(overflow) <= 0, `${file}: horizontal overflow ${overflow}px`);
        await page.evaluate("scrollTo(0, 0)"); // the sticky header belongs at the top of the shot
        await page.screenshot({
          path: `${dir}/${file}`,
          fullPage: true,
        });
        await context.close();
        assert.ok((await Deno.stat(`${dir}/${file}`)).size > 5000, `${file} written`);
      }
    } finally {
      await browser.close();
      await server.close();
      if (!update) await Deno.remove(dir, { recursive: true });
    }
  },
});
