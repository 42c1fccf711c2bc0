/**
 * The web page served by the real taskmasterd (no fakes): the dashboard in headless Chromium
 * lists the config's processes with live state, its Stop button stops the real process, hostile
 * child output is shown as text and runs nothing, `/logs` carries the daemon's events in the first
 * HTML response and updates live; and a web port already taken leaves the daemon supervising
 * with `http-error` in the log and `info` (docs/web.md "Listener").
 */
import assert from "node:assert/strict";
import { FIXTURES_BIN, startDaemon } from "../helpers/daemon_harness.ts";
import { pidAlive, waitFor } from "../helpers/wait_for.ts";
import { cspViolations, HAVE_CHROMIUM, launch, serveRecorder, watchPage } from "./web/browser.ts";
import { ctlAt, E2E_BIN, statusOf, waitStates, webUrlOf } from "./lib/e2e_helpers.ts";

Deno.test({
  name: "e2e web: real daemon dashboard, Stop button, hostile output, /logs server-side and live",
  ignore: !HAVE_CHROMIUM,
  async fn(t) {
    const canary = serveRecorder("127.0.0.1");
    const hit = `${canary.url}/hit`;
    const evilArgs = [
      `<script>fetch("${hit}/script")</script>`,
      `<img src=x onerror="fetch('${hit}/img')">`,
    ];
    const daemon = await startDaemon(`taskmaster:
  http: { host: 127.0.0.1, port: 0 }
programs:
  web:
    cmd: ${FIXTURES_BIN}/forever
    numprocs: 2
    starttime: 0
  victim:
    cmd: ${FIXTURES_BIN}/forever
    starttime: 0
  evil:
    cmd: ${JSON.stringify([`${E2E_BIN}say`, ...evilArgs])}
    starttime: 0
`);
    const browser = await launch();
    try {
      const url = await webUrlOf(daemon);
      const info = await ctlAt(daemon, ["info", "--json"]);
      assert.equal(JSON.parse(info.stdout).httpUrl, url, "info agrees with the log line");
      const before = await waitStates(daemon, {
        "web:0": "RUNNING",
        "web:1": "RUNNING",
        victim: "RUNNING",
        evil: "RUNNING",
      });
      const page = await browser.newPage();
      const problems = await watchPage(page);

      await t.step(
        "the dashboard lists every configured process with its state and pid",
        async () => {
          await page.goto(`${url}/`);
          const rows = page.locator("#procs tr");
          assert.deepEqual(
            await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-name"))),
            ["web:0", "web:1", "victim", "evil"],
          );
          await page.locator('#live[data-state="on"]').waitFor({ timeout: 5000 });
          for (const [name, p] of before) {
            const row = page.locator(`tr[data-name="${name}"]`);
            assert.equal(await row.locator(".badge").textContent(), "RUNNING");
            assert.equal(await row.locator('td[data-label="PID"]').textContent(), String(p.pid));
          }
        },
      );

      await t.step("Stop on a row stops the real process", async () => {
        const pid = before.get("victim")!.pid!;
        await page.click('tr[data-name="victim"] button[data-action="stop"]');
        await waitStates(daemon, { victim: "STOPPED" });
        await waitFor(() => !pidAlive(pid), { what: `victim pid ${pid} gone` });
        await page.locator('tr[data-name="victim"] .badge.st-STOPPED').waitFor({ timeout: 5000 });
        const others = new Map((await statusOf(daemon)).map((p) => [p.name, p.pid]));
        assert.equal(others.get("web:0"), before.get("web:0")!.pid, "only victim was touched");
      });

      await t.step("state changes made elsewhere show up live", async () => {
        const start = await ctlAt(daemon, ["start", "victim"]);
        assert.equal(start.code, 0, start.stdout + start.stderr);
        await page.locator('tr[data-name="victim"] .badge.st-RUNNING').waitFor({ timeout: 5000 });
      });

      await t.step("hostile child output is shown as text and runs nothing", async () => {
        await page.click('details.out[data-name="evil"] summary');
        const pre = page.locator('details.out[data-name="evil"] pre');
        await waitFor(async () => (await pre.textContent())?.includes(evilArgs[1]!), {
          what: "evil output shown as text",
        });
        assert.ok((await pre.textContent())?.includes(evilArgs[0]!));
        assert.equal(await page.locator("main img, main svg, main script").count(), 0);
        assert.deepEqual(await cspViolations(page), []);
      });

      await t.step("/logs: events in the first HTML response, then live updates", async () => {
        const html = await (await fetch(`${url}/logs`)).text();
        assert.match(html, /<span class="evn">daemon-start<\/span>/);
        assert.match(
          html,
          /<span class="proc">victim<\/span><span class="evn">stopped<\/span>/,
          "the Stop from the dashboard is in the server-rendered log",
        );
        await page.goto(`${url}/logs?program=victim`);
        const items = page.locator("#events li");
        const count = await items.count();
        assert.ok(count >= 3, `victim events server-side (${count})`);
        const stop = await ctlAt(daemon, ["stop", "victim"]);
        assert.equal(stop.code, 0, stop.stderr);
        await waitFor(
          async () =>
            (await items.last().locator(".evn").textContent()) === "stopped" &&
            (await items.count()) > count,
          { what: "live stopped event in /logs" },
        );
        assert.equal(await items.last().locator(".proc").textContent(), "victim");
      });

      assert.deepEqual(canary.hits, [], "canary never hit");
      assert.deepEqual(problems, []);
    } finally {
      await browser.close();
      await daemon.stop();
      await canary.close();
    }
  },
});

Deno.test("e2e web: a taken port is an http-error, not a reason to die; a reload can re-bind", async () => {
  const blocker = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (blocker.addr as Deno.NetAddr).port;
  let blockerOpen = true;
  const config = (p: number) =>
    `taskmaster:\n  http: { host: 127.0.0.1, port: ${p} }\nprograms:\n` +
    `  a:\n    cmd: ${FIXTURES_BIN}/forever\n    starttime: 0\n`;
  const daemon = await startDaemon(config(port));
  try {
    const line = await daemon.waitLine(/ ERROR - http-error /);
    assert.match(line, /reason=/);
    await waitStates(daemon, { a: "RUNNING" });
    const info = await ctlAt(daemon, ["info", "--json"]);
    assert.equal(info.code, 0, info.stderr);
    const facts = JSON.parse(info.stdout);
    assert.equal(facts.httpUrl, null);
    assert.equal(typeof facts.httpError, "string");
    assert.match(facts.httpError, new RegExp(`${port}|in use|AddrInUse`, "i"));
    const human = await ctlAt(daemon, ["info"]);
    assert.match(human.stdout, /http|web/i);

    // The port is freed: a reload of the unchanged config retries the bind.
    blocker.close();
    blockerOpen = false;
    let from = daemon.lines.length;
    assert.equal((await ctlAt(daemon, ["reload"])).code, 0);
    await daemon.waitLine(/http: listening on /, { fromLine: from });
    const after = JSON.parse((await ctlAt(daemon, ["info", "--json"])).stdout);
    assert.equal(after.httpError, null);
    assert.equal(after.httpUrl, `http://127.0.0.1:${port}`);
    const res = await fetch(`${after.httpUrl}/api/status`);
    assert.deepEqual((await res.json()).map((p: { name: string }) => p.name), ["a"]);

    // A changed http section re-binds.
    await daemon.writeConfig(config(0));
    from = daemon.lines.length;
    assert.equal((await ctlAt(daemon, ["reload"])).code, 0);
    const url = await webUrlOf(daemon, from);
    assert.notEqual(url, after.httpUrl);
    await (await fetch(`${url}/api/status`)).body?.cancel();
  } finally {
    await daemon.stop();
    if (blockerOpen) blocker.close();
  }
});
