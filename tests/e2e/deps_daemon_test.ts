/**
 * The worked example examples/deps.yaml through a real `taskmasterd` (docs/lifecycle.md "Start
 * order and dependencies"): the database is pulled in although `autostart: false`, becomes
 * RUNNING only once its tcp check passes, the migration runs after it and completes, and the web
 * workers wait for both. `deps` prints the waves; `stop all` leaves nothing WAITING.
 */
import assert from "node:assert/strict";
import { startDaemon } from "../helpers/daemon_harness.ts";
import { waitFor } from "../helpers/wait_for.ts";
import { statusMap } from "../reliability/lib/daemon_util.ts";
import type { DepsInfo } from "../../src/protocol/types.ts";

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

const line = (lines: string[], re: RegExp) => lines.findIndex((l) => re.test(l));

Deno.test("deps example e2e: ready database, completed migration, then the web workers", async () => {
  const example = await Deno.readTextFile(new URL("../../examples/deps.yaml", import.meta.url));
  const daemon = await startDaemon(example.replaceAll("15432", String(freePort())));
  try {
    const waitingEarly = await waitFor(async () => {
      const s = (await statusMap(daemon)).get("web:0");
      return s?.state === "WAITING" ? s : null;
    }, { timeoutMs: 30_000, what: "web:0 WAITING" });
    assert.ok(waitingEarly.waitingOn.includes("database (ready)"), String(waitingEarly.waitingOn));
    assert.match(waitingEarly.description, /^waiting for database \(ready\)/);
    await waitFor(async () => {
      const map = await statusMap(daemon);
      return ["web:0", "web:1"].every((n) => map.get(n)?.state === "RUNNING") ? map : null;
    }, { timeoutMs: 60_000, what: "web workers RUNNING" });
    const map = await statusMap(daemon);
    assert.equal(map.get("database")!.state, "RUNNING");
    assert.equal(map.get("database")!.ready, true);
    assert.equal(map.get("web:0")!.ready, null);
    assert.equal(map.get("migrate")!.state, "EXITED");
    // Status can run ahead of the mirrored log lines: wait for the workers' own lines first.
    await daemon.waitLine(/ web:0 running /, { timeoutMs: 30_000 });
    await daemon.waitLine(/ web:1 running /, { timeoutMs: 30_000 });
    const lines = daemon.lines;
    const ready = line(lines, / database ready check=tcp after=/);
    const dbRunning = line(lines, / database running /);
    const migrateSpawned = line(lines, / migrate spawned /);
    const migrateExited = line(lines, / migrate exited /);
    const webSpawned = line(lines, / web:0 spawned /);
    assert.ok(ready >= 0 && dbRunning > ready, "running comes after ready");
    assert.ok(migrateSpawned > dbRunning, "migrate waits for the ready database");
    assert.ok(webSpawned > migrateExited, "web waits for the completed migration");
    assert.ok(line(lines, / web:0 waiting on="?database \(ready\),migrate \(completed\)/) >= 0);

    const deps = await daemon.call("deps", {});
    assert.ok(deps.ok);
    assert.deepEqual((deps.result as DepsInfo).waves, [["database"], ["migrate"], ["web"]]);

    const stopped = await daemon.call("stop", { names: ["all"] });
    assert.ok(stopped.ok, JSON.stringify(stopped));
    const after = await statusMap(daemon);
    assert.ok([...after.values()].every((p) => p.state !== "WAITING"));
    // The reply can overtake the daemon's mirrored log lines on their pipe: wait for the last one.
    await daemon.waitLine(/ database stopped /, { timeoutMs: 30_000 });
    assert.ok(line(lines, / web:1 stopped /) >= 0, "web:1 logged its stop");
    assert.ok(
      line(lines, / database stopping /) > line(lines, / web:1 stopped /),
      "the database stops after its dependents",
    );
  } finally {
    await daemon.stop();
  }
});
