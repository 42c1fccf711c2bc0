/** Start order, WAITING, dependency failures and stop order (docs/lifecycle.md) on fakes. */
import assert from "node:assert/strict";
import type { Dependency } from "../../../src/config/types.ts";
import { dieOnSignal, type FakeChild } from "../../helpers/fake_spawner.ts";
import { flushMicrotasks } from "../../helpers/fake_clock.ts";
import { configOf, prog, supervisorRig } from "./fake_rig.ts";

const on = (
  spec: Record<string, Dependency["condition"]>,
): Dependency[] => Object.entries(spec).map(([name, condition]) => ({ name, condition }));

const spawnOrder = (r: ReturnType<typeof supervisorRig>) =>
  r.spawner.children.map((c) => c.request.processName);

function stack() {
  return [
    prog("db", { starttime: 1, autostart: false }),
    prog("migrate", { autorestart: "never" }),
    prog("web", { numprocs: 2, dependsOn: on({ db: "started", migrate: "completed" }) }),
  ];
}

Deno.test("daemon start: dependencies first (autostart false pulled in), dependents WAIT", async () => {
  const r = supervisorRig(stack(), { onSignal: dieOnSignal });
  r.sup.startAutostart();
  await flushMicrotasks();
  assert.deepEqual(spawnOrder(r), ["db", "migrate"]);
  const web = r.sup.status(["web:0"])[0]!;
  assert.equal(web.state, "WAITING");
  assert.deepEqual(web.waitingOn, ["db (started)", "migrate (completed)"]);
  assert.equal(web.description, "waiting for db (started), migrate (completed)");
  const waiting = r.events("waiting", "web:0")[0]!;
  assert.equal(waiting.fields.on, "db (started),migrate (completed)");
  r.spawner.childrenOf("migrate")[0]!.exit(0);
  await r.clock.flush();
  assert.deepEqual(r.sup.status(["web:1"])[0]!.waitingOn, ["db (started)"]);
  await r.clock.tick(1000);
  assert.equal(r.states().db, "RUNNING");
  assert.deepEqual(spawnOrder(r), ["db", "migrate", "web:0", "web:1"]);
  assert.equal(r.states()["web:0"], "RUNNING");
  assert.deepEqual(r.sup.status(["web:0"])[0]!.waitingOn, []);
});

Deno.test("a completed dependency exiting 3 fails the waiting dependents (FATAL + event)", async () => {
  const r = supervisorRig(stack(), { onSignal: dieOnSignal });
  r.sup.startAutostart();
  await flushMicrotasks();
  r.spawner.childrenOf("migrate")[0]!.exit(3);
  await r.clock.flush();
  const web = r.sup.status(["web:0"])[0]!;
  assert.equal(web.state, "FATAL");
  assert.equal(web.description, "dependency migrate exited with status 3");
  const failed = r.events("dependency-failed", "web:0")[0]!;
  assert.equal(failed.level, "ERROR");
  assert.deepEqual(failed.fields, { dependency: "migrate", reason: "exited with status 3" });
});

Deno.test("a FATAL dependency instance fails dependents: `dependency db:0 is FATAL`", async () => {
  const r = supervisorRig([
    prog("db", { numprocs: 2, startretries: 0, starttime: 1 }),
    prog("web", { dependsOn: on({ db: "started" }) }),
  ], { onSignal: dieOnSignal });
  r.sup.startAutostart();
  await flushMicrotasks();
  r.spawner.childrenOf("db:0")[0]!.exit(1);
  await r.clock.flush();
  assert.equal(r.states().web, "FATAL");
  assert.equal(r.sup.status(["web"])[0]!.description, "dependency db:0 is FATAL");
});

Deno.test("stop on WAITING -> STOPPED at once; stopping a dependency fails the waiting", async () => {
  const r = supervisorRig(stack(), { onSignal: dieOnSignal });
  r.sup.startAutostart();
  await flushMicrotasks();
  const [w0] = await r.clock.drive(r.sup.stop(["web:0"]));
  assert.equal(w0!.message, "stopped");
  assert.equal(r.states()["web:0"], "STOPPED");
  await r.clock.drive(r.sup.stop(["db"]));
  assert.equal(r.states()["web:1"], "FATAL");
  assert.match(r.sup.status(["web:1"])[0]!.description, /^dependency db /);
});

Deno.test("held-stopped dependency: not pulled in at daemon start; an explicit start pulls it", async () => {
  const r = supervisorRig([
    prog("db", { starttime: 1 }),
    prog("web", { dependsOn: on({ db: "started" }) }),
  ], { onSignal: dieOnSignal });
  await r.clock.drive(r.sup.stop(["db", "web"]));
  r.sup.reset(["web"]);
  r.sup.startAutostart();
  await flushMicrotasks();
  assert.equal(r.states().db, "STOPPED");
  assert.equal(r.states().web, "WAITING");
  assert.equal(r.sup.status(["web"])[0]!.description, "db is held stopped");
  const results = await r.clock.drive(r.sup.start(["web"]));
  assert.deepEqual(results.map((x) => [x.name, x.ok, x.message]), [
    ["db", true, "started (dependency of web)"],
    ["web", true, "started"],
  ]);
  assert.equal(r.states().web, "RUNNING");
  const db = r.sup.status(["db"])[0]!;
  assert.deepEqual([db.desired, db.held], ["started", true], "intent recorded (by dependency)");
});

Deno.test("start NAME pulls dependencies transitively; --no-deps ignores them", async () => {
  const specs = [
    prog("a", { autostart: false, starttime: 1 }),
    prog("b", { autostart: false, dependsOn: on({ a: "started" }) }),
    prog("c", { autostart: false, dependsOn: on({ b: "started" }) }),
  ];
  const r = supervisorRig(specs, { onSignal: dieOnSignal });
  const results = await r.clock.drive(r.sup.start(["c"]));
  assert.deepEqual(results.map((x) => x.message), [
    "started (dependency of b)",
    "started (dependency of c)",
    "started",
  ]);
  assert.deepEqual(spawnOrder(r), ["a", "b", "c"]);
  const s = supervisorRig(specs, { onSignal: dieOnSignal });
  const only = await s.clock.drive(s.sup.start(["c"], { noDeps: true }));
  assert.deepEqual(only.map((x) => [x.name, x.message]), [["c", "started"]]);
  assert.deepEqual(spawnOrder(s), ["c"]);
});

Deno.test("once running, no propagation; stop db names the dependents left running", async () => {
  const r = supervisorRig([
    prog("db", { autorestart: "always", maxrestartdelay: 0 }),
    prog("web", { dependsOn: on({ db: "started" }) }),
  ], { onSignal: dieOnSignal });
  r.sup.startAutostart();
  await r.clock.flush();
  assert.equal(r.states().web, "RUNNING");
  const webPid = r.pids().web;
  r.spawner.childrenOf("db")[0]!.exit(1);
  await r.clock.flush();
  assert.equal(r.pids().web, webPid, "web untouched by db's restart");
  const [res] = await r.clock.drive(r.sup.stop(["db"]));
  assert.equal(res!.message, "stopped; still running: web");
  assert.equal(r.states().web, "RUNNING");
});

Deno.test("shutdown and stop of a set go in reverse dependency order; independents in parallel", async () => {
  const r = supervisorRig([
    prog("a", { stoptime: 3 }),
    prog("b", { dependsOn: on({ a: "started" }), stoptime: 3 }),
    prog("c", { dependsOn: on({ b: "started" }), stoptime: 3 }),
    prog("x", { stoptime: 3 }),
  ], {
    onSignal: (child: FakeChild, signal) => {
      if (signal !== "SIGTERM") return dieOnSignal(child, signal);
      queueMicrotask(() => child.exit(0));
    },
  });
  r.sup.startAutostart();
  await r.clock.flush();
  await r.clock.drive(r.sup.shutdown());
  const order = r.events("stopping").map((e) => e.process);
  assert.deepEqual(order.indexOf("c") < order.indexOf("b"), true);
  assert.deepEqual(order.indexOf("b") < order.indexOf("a"), true);
  assert.deepEqual(order[0] === "c" || order[0] === "x", true);
  assert.deepEqual(r.states(), { a: "STOPPED", b: "STOPPED", c: "STOPPED", x: "STOPPED" });
});

Deno.test("reload: a depends_on/ready/health change alone restarts nothing (listed changed)", async () => {
  const specs = [prog("db"), prog("web", { dependsOn: on({ db: "started" }) })];
  const r = supervisorRig(specs, { onSignal: dieOnSignal });
  r.sup.startAutostart();
  await r.clock.flush();
  const before = r.pids();
  r.next = {
    ok: true,
    config: configOf([
      prog("db", {
        ready: {
          check: { kind: "tcp", host: "127.0.0.1", port: "1" },
          period: 1,
          timeout: 1,
          initialdelay: 0,
          deadline: 60,
        },
      }),
      prog("web", { dependsOn: on({ db: "ready" }) }),
    ]),
  };
  const plan = await r.clock.drive(r.sup.reload({ dryRun: false }));
  assert.deepEqual(plan.changed, ["db", "web"]);
  assert.deepEqual(r.pids(), before);
});

Deno.test("reload: an added program starts its dependencies first", async () => {
  const r = supervisorRig([prog("db", { autostart: false })], { onSignal: dieOnSignal });
  r.next = {
    ok: true,
    config: configOf([
      prog("db", { autostart: false }),
      prog("web", { dependsOn: on({ db: "started" }) }),
    ]),
  };
  await r.clock.drive(r.sup.reload({ dryRun: false }));
  await r.clock.flush();
  assert.deepEqual(spawnOrder(r), ["db", "web"]);
  assert.equal(r.states().web, "RUNNING");
});
