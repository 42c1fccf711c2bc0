import { assert, assertEquals, assertMatch } from "../../unit/control/asserts.ts";
import { FIXTURES_BIN, startDaemon } from "../../helpers/daemon_harness.ts";
import { ctl } from "./harness.ts";

const CONFIG = `
programs:
  sleeper:
    cmd: ${FIXTURES_BIN}/forever
    numprocs: 2
    starttime: 0.2
    stoptime: 2
  missing:
    cmd: /nonexistent/taskmaster-test-binary
    autostart: false
    startretries: 0
    starttime: 0.1
`;

Deno.test("taskmasterctl against the real taskmasterd: status, stop, start, tail, failure, exit", async () => {
  const daemon = await startDaemon(CONFIG);
  try {
    const c = ["-c", daemon.configPath];
    const list = await ctl([...c, "status", "--json"]);
    assertEquals(list.code, 0, list.stderr);
    const procs = JSON.parse(list.stdout) as { name: string; state: string; pid: number | null }[];
    assertEquals(procs.map((p) => p.name), ["sleeper:0", "sleeper:1", "missing"]);

    const stop = await ctl([...c, "stop", "sleeper:1"]);
    assertEquals(stop.code, 0, stop.stderr);
    assertMatch(stop.stdout, /^sleeper:1: /);
    const after = JSON.parse((await ctl([...c, "status", "sleeper:1", "--json"])).stdout);
    assertEquals(after[0].state, "STOPPED");
    assertEquals(after[0].pid, null);

    const start = await ctl([...c, "start", "sleeper"]);
    assertEquals(start.code, 0, start.stdout + start.stderr);
    const running = JSON.parse((await ctl([...c, "status", "sleeper", "--json"])).stdout);
    assert(running.every((p: { state: string }) => p.state === "RUNNING"), JSON.stringify(running));

    const tail = await ctl([...c, "tail", "sleeper:0"]);
    assertEquals([tail.code, tail.stdout], [0, "ready\n"], tail.stderr);

    const failed = await ctl([...c, "start", "missing"]);
    assertEquals(failed.code, 1, failed.stdout + failed.stderr);
    const unknown = await ctl([...c, "status", "nope"]);
    assertEquals(unknown.code, 1);

    const pid = await ctl([...c, "pid"]);
    assertEquals(Number(pid.stdout), daemon.child.pid);

    const exit = await ctl([...c, "exit", "--yes"]);
    assertEquals([exit.code, exit.stdout], [0, "taskmasterd stopped\n"], exit.stderr);
    assertEquals((await daemon.status).code, 0);
    const gone = await ctl([...c, "status"]);
    assertEquals(gone.code, 3);
  } finally {
    await daemon.stop();
  }
});
