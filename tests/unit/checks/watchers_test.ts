/** ReadyWatcher and HealthMonitor on a FakeClock with a fake OS. */
import assert from "node:assert/strict";
import { HealthMonitor } from "../../../src/checks/health_monitor.ts";
import { ReadyWatcher } from "../../../src/checks/ready_watcher.ts";
import type { ExecIdentity } from "../../../src/checks/types.ts";
import type { HealthSpec, ReadySpec } from "../../../src/config/types.ts";
import { FAKE_WALL_START, FakeClock } from "../../helpers/fake_clock.ts";
import { FakeProbeOs, osError } from "../../helpers/fake_probe_os.ts";
import { makeSpec } from "../../helpers/specs.ts";

const exec: ExecIdentity = {
  spec: makeSpec({ name: "web" }),
  processName: "web:2",
  index: 2,
  secretEnv: [],
};
const tcp = { kind: "tcp", host: "", port: "{num+8000}" } as const;

function ready(patch: Partial<ReadySpec> = {}): ReadySpec {
  return { check: tcp, period: 1, timeout: 1, initialdelay: 0, deadline: 60, ...patch };
}
function health(patch: Partial<HealthSpec> = {}): HealthSpec {
  return {
    check: tcp,
    period: 10,
    timeout: 2,
    failures: 3,
    initialdelay: 0,
    action: "restart",
    ...patch,
  };
}

function readySetup(spec: ReadySpec) {
  const clock = new FakeClock();
  const os = new FakeProbeOs();
  const events: string[] = [];
  const watcher = new ReadyWatcher({
    spec,
    exec,
    clock,
    os,
    onReady: (e) => events.push(`ready ${e.check} after=${e.after}`),
    onDeadline: (e) => events.push(`deadline ${e.check} ${e.deadline} last=${e.last}`),
  });
  return { clock, os, events, watcher };
}

Deno.test("ready: first check after initialdelay, then every period; first pass reported once", async () => {
  const { clock, os, events, watcher } = readySetup(ready({ initialdelay: 2, period: 1 }));
  await clock.tick(1999);
  assert.equal(os.connects.length, 0);
  await clock.tick(1);
  assert.deepEqual(os.connects.map((c) => c.what), ["127.0.0.1:8002"]);
  os.connects[0]!.reject(osError("ConnectionRefused"));
  await clock.tick(999);
  assert.equal(os.connects.length, 1);
  await clock.tick(1);
  assert.equal(os.connects.length, 2);
  os.connects[1]!.resolve(os.conn());
  await clock.flush();
  assert.deepEqual(events, ["ready tcp after=3"]);
  assert(watcher.passed);
  assert.equal(clock.pending, 0, "no timer left after the pass");
});

Deno.test("ready: a probe slower than the period never overlaps the next", async () => {
  const { clock, os } = readySetup(ready({ period: 1, timeout: 5 }));
  await clock.tick(0);
  assert.equal(os.connects.length, 1);
  await clock.tick(3000); // still in flight: no second check
  assert.equal(os.connects.length, 1);
  os.connects[0]!.reject(osError("ConnectionRefused"));
  await clock.tick(0); // it ended late: the next starts at once
  assert.equal(os.connects.length, 2);
  await clock.tick(5000); // times out at 5 s, next at once
  assert.equal(os.connects.length, 3);
});

Deno.test("ready: the deadline from spawn reports the last failure, then everything stops", async () => {
  const { clock, os, events } = readySetup(ready({ deadline: 5 }));
  os.connectReply = osError("ConnectionRefused");
  await clock.tick(5000);
  assert.deepEqual(events, ["deadline tcp 5 last=connect ECONNREFUSED 127.0.0.1:8002"]);
  assert.equal(clock.pending, 0);
});

Deno.test("ready: log checks match fed lines from spawn; deadline says no matching line", async () => {
  const spec = ready({
    check: { kind: "log", pattern: "listening on {num+8000}" },
    initialdelay: 9,
  });
  const { clock, events, watcher, os } = readySetup(spec);
  watcher.feedLine("starting");
  await clock.tick(100);
  watcher.feedLine("listening on 8002");
  watcher.feedLine("listening on 8002");
  assert.deepEqual(events, ["ready log after=0.1"]);
  assert.equal(os.connects.length, 0);
  assert.equal(clock.pending, 0);

  const late = readySetup(ready({ check: { kind: "log", pattern: "never" }, deadline: 1 }));
  await late.clock.tick(1000);
  assert.deepEqual(late.events, ["deadline log 1 last=no matching line"]);
});

Deno.test("ready: an invalid log pattern never throws; the deadline names it", async () => {
  const { clock, events, watcher } = readySetup(
    ready({ check: { kind: "log", pattern: "(" }, deadline: 2 }),
  );
  watcher.feedLine("(");
  await clock.tick(2000);
  assert.equal(events.length, 1);
  assert.match(events[0]!, /^deadline log 2 last=invalid regular expression: /);
});

Deno.test("ready: stop kills an exec check in flight and cancels every timer", async () => {
  const spec = ready({ check: { kind: "exec", argv: ["check", "{num}"] }, timeout: 30 });
  const { clock, os, events, watcher } = readySetup(spec);
  await clock.tick(0);
  const child = os.spawner.last;
  assert.deepEqual(child.request.spec.argv, ["check", "2"]);
  assert.equal(child.request.processName, "web:2");
  watcher.stop();
  await clock.flush();
  assert.deepEqual(os.spawner.signalsTo(child.pid), ["SIGKILL"]);
  assert.equal(child.groupAlive, false);
  assert.equal(clock.pending, 0);
  await clock.tick(100_000);
  assert.deepEqual(events, []);
});

function healthSetup(spec: HealthSpec, stopOnUnhealthy = false) {
  const clock = new FakeClock();
  const os = new FakeProbeOs();
  const events: string[] = [];
  const monitor: HealthMonitor = new HealthMonitor({
    spec,
    exec,
    clock,
    os,
    onUnhealthy: (e) => {
      events.push(`unhealthy ${e.check} failures=${e.failures} last=${e.last}`);
      if (stopOnUnhealthy) monitor.stop();
    },
    onHealthy: (e) => events.push(`healthy ${e.check} from=${e.from}`),
  });
  return { clock, os, events, monitor };
}

Deno.test("health: unknown until the first verdict; failures threshold; transitions only", async () => {
  const { clock, os, events, monitor } = healthSetup(health({ initialdelay: 5, period: 10 }));
  assert.deepEqual(monitor.status(), {
    state: "unknown",
    failures: 0,
    checkedAt: null,
    message: "",
  });
  os.connectReply = osError("ConnectionRefused");
  await clock.tick(5000);
  assert.deepEqual(monitor.status(), {
    state: "unknown",
    failures: 1,
    checkedAt: new Date(FAKE_WALL_START + 5000).toISOString(),
    message: "connect ECONNREFUSED 127.0.0.1:8002",
  });
  await clock.tick(20_000);
  assert.deepEqual(events, ["unhealthy tcp failures=3 last=connect ECONNREFUSED 127.0.0.1:8002"]);
  await clock.tick(20_000);
  assert.equal(events.length, 1, "no event per failing check");
  assert.equal(monitor.status().failures, 5);
  os.connectReply = "ok";
  await clock.tick(10_000);
  assert.deepEqual(events.slice(1), ["healthy tcp from=unhealthy"]);
  assert.deepEqual(monitor.status().state, "healthy");
  assert.equal(monitor.status().failures, 0);
  assert.equal(monitor.status().message, "");
  await clock.tick(50_000);
  assert.equal(events.length, 2);
});

Deno.test("health: one success resets the count before the threshold", async () => {
  const { clock, os, events, monitor } = healthSetup(health({ failures: 2, period: 1 }));
  os.connectReply = osError("ConnectionRefused");
  await clock.tick(0);
  assert.equal(monitor.status().failures, 1);
  os.connectReply = "ok";
  await clock.tick(1000);
  os.connectReply = osError("ConnectionRefused");
  await clock.tick(1000);
  assert.deepEqual(events, ["healthy tcp from=unknown"]);
  assert.equal(monitor.status().failures, 1);
  await clock.tick(1000);
  assert.deepEqual(events.slice(1), [
    "unhealthy tcp failures=2 last=connect ECONNREFUSED 127.0.0.1:8002",
  ]);
});

Deno.test("health: timeouts count as failures; stop kills an exec in flight and resets", async () => {
  const spec = health({
    check: { kind: "exec", argv: ["hang"] },
    timeout: 2,
    period: 3,
    failures: 2,
  });
  const { clock, os, events, monitor } = healthSetup(spec);
  await clock.tick(2000);
  assert.equal(monitor.status().message, "timeout after 2s");
  assert.equal(os.spawner.children[0]!.groupAlive, false);
  await clock.tick(3000);
  assert.deepEqual(events, ["unhealthy exec failures=2 last=timeout after 2s"]);
  await clock.tick(1000); // third check in flight
  const child = os.spawner.last;
  assert(child.groupAlive);
  monitor.stop();
  await clock.flush();
  assert.equal(child.groupAlive, false);
  assert.equal(monitor.status().state, "unknown");
  assert.equal(clock.pending, 0);
});

Deno.test("health: stop() from inside onUnhealthy (action restart) ends all checking", async () => {
  const { clock, os, events, monitor } = healthSetup(health({ failures: 1, period: 1 }), true);
  os.connectReply = osError("ConnectionRefused");
  await clock.tick(0);
  assert.equal(events.length, 1);
  assert.equal(monitor.status().state, "unknown");
  assert.equal(clock.pending, 0);
  await clock.tick(10_000);
  assert.equal(events.length, 1);
});
