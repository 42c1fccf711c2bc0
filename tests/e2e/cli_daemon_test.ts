/**
 * taskmasterctl against the real taskmasterd for the command contract of docs/cli.md: the
 * `status --json` field set, types and order; exit codes for unknown names and failed starts;
 * `reload --json` / `reload --dry-run`; `signal`, `tail -n`, `pid NAME`.
 */
import assert from "node:assert/strict";
import { FIXTURES_BIN, startDaemon } from "../helpers/daemon_harness.ts";
import { pidAlive, waitFor } from "../helpers/wait_for.ts";
import { ctlAt, E2E_BIN, type ProcStatus, statusOf, waitStates } from "./lib/e2e_helpers.ts";

const ISO_MS_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function programs(zetaEnv: string, withAlpha: boolean, withBeta: boolean): string {
  return "taskmaster:\n  http: false\nprograms:\n" +
    `  zeta:\n    cmd: [${E2E_BIN}say, l1, l2, l3, l4, l5]\n    starttime: 0.2\n` +
    `    env: { V: "${zetaEnv}" }\n` +
    (withAlpha
      ? `  alpha:\n    cmd: ${FIXTURES_BIN}/forever\n    numprocs: 2\n    starttime: 0.2\n`
      : "") +
    `  sig:\n    cmd: ${E2E_BIN}record_signals\n    starttime: 0.2\n` +
    `  never:\n    cmd: /nonexistent/taskmaster-e2e\n    autostart: false\n    startretries: 0\n` +
    `    starttime: 0.1\n` +
    (withBeta ? `  beta:\n    cmd: ${FIXTURES_BIN}/forever\n    starttime: 0\n` : "");
}

Deno.test("e2e ctl: status/start/signal/tail/pid/reload contract against the real daemon", async (t) => {
  const daemon = await startDaemon(programs("1", true, false));
  try {
    const running = await waitStates(daemon, {
      zeta: "RUNNING",
      "alpha:0": "RUNNING",
      "alpha:1": "RUNNING",
      sig: "RUNNING",
      never: "STOPPED",
    });

    await t.step("status --json: one array, file order then index, typed fields", async () => {
      const run = await ctlAt(daemon, ["status", "--json"]);
      assert.equal(run.code, 0, run.stderr);
      const list = JSON.parse(run.stdout) as ProcStatus[];
      assert.ok(Array.isArray(list));
      assert.deepEqual(list.map((p) => p.name), ["zeta", "alpha:0", "alpha:1", "sig", "never"]);
      for (const p of list) {
        for (
          const key of [
            "name",
            "program",
            "index",
            "state",
            "pid",
            "exitCode",
            "signal",
            "since",
            "restarts",
            "description",
            "desired",
            "held",
          ]
        ) assert.ok(key in p, `${p.name}: ${key} missing`);
        assert.equal(typeof p.name, "string");
        assert.equal(typeof p.program, "string");
        assert.ok(Number.isInteger(p.index), `${p.name}.index`);
        assert.match(p.since, ISO_MS_UTC, `${p.name}.since`);
        assert.ok(Number.isInteger(p.restarts), `${p.name}.restarts`);
        assert.equal(typeof p.description, "string");
        assert.ok(p.exitCode === null || Number.isInteger(p.exitCode), `${p.name}.exitCode`);
        assert.ok(p.signal === null || /^SIG[A-Z0-9]+$/.test(p.signal), `${p.name}.signal`);
        if (p.state === "RUNNING") assert.ok(Number.isInteger(p.pid) && p.pid! > 1, p.name);
        else assert.equal(p.pid, null, `${p.name}: no pid while ${p.state}`);
      }
      const byName = new Map(list.map((p) => [p.name, p]));
      assert.deepEqual(
        [byName.get("alpha:1")!.program, byName.get("alpha:1")!.index],
        ["alpha", 1],
      );
      assert.deepEqual([byName.get("zeta")!.program, byName.get("zeta")!.index], ["zeta", 0]);
      assert.equal(byName.get("never")!.state, "STOPPED");
    });

    await t.step("an unknown NAME exits 1; the known ones are still handled", async () => {
      const status = await ctlAt(daemon, ["status", "zeta", "nope"]);
      assert.equal(status.code, 1, status.stdout + status.stderr);
      assert.match(status.stderr, /no such process: nope/);
      const json = await ctlAt(daemon, ["status", "sig", "--json"]);
      assert.equal(json.code, 0, json.stderr);
      assert.deepEqual(JSON.parse(json.stdout).map((p: ProcStatus) => p.name), ["sig"]);
      // A mixed action: the known name is acted on and reported, the unknown one too.
      const mixed = await ctlAt(daemon, ["signal", "HUP", "sig", "nope"]);
      assert.equal(mixed.code, 1, mixed.stdout + mixed.stderr);
      assert.match(mixed.stdout, /^sig: /m);
      assert.match(mixed.stdout, /^nope: no such process/m);
      await waitFor(async () => (await ctlAt(daemon, ["tail", "sig"])).stdout.includes("got HUP"), {
        what: "got HUP in sig's output",
      });
    });

    await t.step("start of a program that can only end FATAL exits 1 with the reason", async () => {
      const run = await ctlAt(daemon, ["start", "never"]);
      assert.equal(run.code, 1, run.stdout + run.stderr);
      assert.match(run.stdout + run.stderr, /never/);
      assert.match(run.stdout + run.stderr, /No such file|not found|nonexistent/i);
      const never = (await statusOf(daemon)).find((p) => p.name === "never")!;
      assert.equal(never.state, "FATAL");
      assert.notEqual(never.description, "");
      const again = await ctlAt(daemon, ["start", "zeta"]);
      assert.equal(again.code, 0, "already running is success");
      assert.match(again.stdout, /already started/);
    });

    await t.step("signal USR1 reaches the process", async () => {
      const run = await ctlAt(daemon, ["signal", "USR1", "sig"]);
      assert.equal(run.code, 0, run.stdout + run.stderr);
      await waitFor(
        async () => (await ctlAt(daemon, ["tail", "sig"])).stdout.includes("got USR1"),
        {
          what: "got USR1 in sig's output",
        },
      );
      const bad = await ctlAt(daemon, ["signal", "USR1", "nope"]);
      assert.equal(bad.code, 1);
    });

    await t.step("tail -n 3 prints exactly the last 3 lines; pid NAME prints the pid", async () => {
      const tail = await ctlAt(daemon, ["tail", "-n", "3", "zeta"]);
      assert.equal(tail.code, 0, tail.stderr);
      assert.equal(tail.stdout, "l4\nl5\nready\n");
      const pid = await ctlAt(daemon, ["pid", "zeta"]);
      assert.equal(pid.code, 0, pid.stderr);
      assert.equal(pid.stdout.trim(), String(running.get("zeta")!.pid));
      const daemonPid = await ctlAt(daemon, ["pid"]);
      assert.equal(daemonPid.stdout.trim(), String(daemon.child.pid));
    });

    await t.step("reload --dry-run prints the plan and changes nothing", async () => {
      const before = new Map((await statusOf(daemon)).map((p) => [p.name, p.pid]));
      await daemon.writeConfig(programs("2", false, true));
      const run = await ctlAt(daemon, ["reload", "--dry-run", "--json"]);
      assert.equal(run.code, 0, run.stdout + run.stderr);
      const plan = JSON.parse(run.stdout);
      assert.deepEqual(plan.added, ["beta"]);
      assert.deepEqual(plan.removed, ["alpha"]);
      assert.deepEqual(plan.changed, ["zeta"]);
      const after = new Map((await statusOf(daemon)).map((p) => [p.name, p.pid]));
      assert.deepEqual(after, before, "dry run touched nothing");
    });

    await t.step(
      "reload --json applies and prints {added, changed, removed, unchanged}",
      async () => {
        const before = new Map((await statusOf(daemon)).map((p) => [p.name, p.pid]));
        const run = await ctlAt(daemon, ["reload", "--json"]);
        assert.equal(run.code, 0, run.stdout + run.stderr);
        const diff = JSON.parse(run.stdout);
        assert.deepEqual(
          { ...diff, unchanged: [...diff.unchanged].sort() },
          { added: ["beta"], changed: ["zeta"], removed: ["alpha"], unchanged: ["never", "sig"] },
        );
        const now = await waitStates(daemon, { zeta: "RUNNING", beta: "RUNNING", sig: "RUNNING" });
        assert.equal(now.has("alpha:0"), false);
        assert.equal(now.get("sig")!.pid, before.get("sig"), "unchanged keeps its pid");
        assert.notEqual(now.get("zeta")!.pid, before.get("zeta"), "changed env restarts");
        for (const name of ["alpha:0", "alpha:1", "zeta"]) {
          const pid = before.get(name)!;
          await waitFor(() => !pidAlive(pid), { what: `${name} old pid ${pid} gone` });
        }
      },
    );
  } finally {
    await daemon.stop();
  }
});
