import assert from "node:assert/strict";
import { DaemonApi } from "../../../src/daemon/api.ts";
import { DaemonShutdown } from "../../../src/daemon/shutdown.ts";
import { createControlHandler } from "../../../src/control/handler.ts";
import { ProtocolError } from "../../../src/protocol/errors.ts";
import { EventHub } from "../../../src/events.ts";
import { FakeSupervisor } from "../../helpers/fake_supervisor.ts";

function parts(options: { test?: () => Promise<string> } = {}) {
  const supervisor = new FakeSupervisor([["web", 2]], {
    info: {
      httpUrl: "from-supervisor",
      logLossBytes: 7,
      alerts: { sent: 9, failed: 9, dropped: 9 },
    },
  });
  const web = { status: () => ({ httpUrl: "http://127.0.0.1:4242/", httpError: null }) };
  const alerter = {
    stats: { sent: 1, failed: 2, dropped: 3 },
    test: options.test ?? (() => Promise.resolve("250 ok")),
  };
  const state = {
    info: () => ({ stateFile: "/srv/taskmasterd.state.json", stateError: null, overrides: 2 }),
  };
  return { supervisor, web, alerter, api: new DaemonApi({ supervisor, web, alerter, state }) };
}

Deno.test("DaemonApi.info() takes each fact from its owner, in the wire order", () => {
  const { api } = parts();
  const info = api.info();
  assert.deepEqual(Object.keys(info), [
    "version",
    "apiVersion",
    "pid",
    "startedAt",
    "uptimeSeconds",
    "configFile",
    "lastReload",
    "reloads",
    "httpUrl",
    "httpError",
    "logLossBytes",
    "alerts",
    "stateFile",
    "stateError",
    "overrides",
  ]);
  assert.equal(info.stateFile, "/srv/taskmasterd.state.json");
  assert.equal(info.overrides, 2);
  assert.equal(info.pid, 1234);
  assert.equal(info.configFile, "/etc/taskmaster/taskmaster.yaml");
  assert.equal(info.logLossBytes, 7);
  assert.equal(info.httpUrl, "http://127.0.0.1:4242/");
  assert.equal(info.httpError, null);
  assert.deepEqual(info.alerts, { sent: 1, failed: 2, dropped: 3 });
});

Deno.test("DaemonApi passes process commands and events through to the supervisor", async () => {
  const { api, supervisor } = parts();
  assert.equal(api.events, supervisor.events);
  assert.deepEqual(api.status([]).map((p) => p.name), ["web:0", "web:1"]);
  await api.stop(["web:0"]);
  await api.start(["web:0"]);
  assert.deepEqual(supervisor.calls, ["stop:web:0", "start:web:0"]);
});

Deno.test("DaemonApi.alertTest() answers the alerter's reply or ALERT_FAILED", async () => {
  assert.equal(await parts().api.alertTest(), "250 ok");
  const failing = parts({ test: () => Promise.reject(new Error("smtp down")) }).api;
  await assert.rejects(failing.alertTest(), (error: unknown) => {
    assert.ok(error instanceof ProtocolError);
    assert.equal(error.code, "ALERT_FAILED");
    assert.equal(error.message, "smtp down");
    return true;
  });
});

Deno.test("the control API's info command answers the composed facts", async () => {
  const { api } = parts();
  const handler = createControlHandler(api);
  const res = await handler(
    new Request("http://taskmasterd/v1/info", { method: "POST", body: "{}" }),
  );
  const body = await res.json();
  assert.equal(body.ok, true);
  assert.deepEqual(body.result, api.info());
  assert.equal(body.result.httpUrl, "http://127.0.0.1:4242/");
});

Deno.test("DaemonShutdown runs once, logs the first asker, and tells when it finished", async () => {
  const hub = new EventHub();
  let stops = 0;
  const release = Promise.withResolvers<void>();
  const shutdown = new DaemonShutdown(hub, {
    shutdown: async () => {
      stops++;
      await release.promise;
    },
  });
  assert.equal(shutdown.requested, false);
  shutdown.request("SIGTERM");
  shutdown.request("taskmasterctl");
  assert.equal(shutdown.requested, true);
  let finished = false;
  const done = shutdown.finished().then(() => finished = true);
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(finished, false);
  release.resolve();
  await done;
  assert.equal(stops, 1);
  const stopsLogged = hub.recent().filter((e) => e.event === "daemon-stop");
  assert.deepEqual(stopsLogged.map((e) => e.fields), [{ by: "SIGTERM", phase: "begin" }]);
});
