/**
 * Ready-made {@link FakeSupervisor} scenarios shared by several test folders, so their literal
 * expectations (pids, output, events) are written in one place.
 */
import { FakeSupervisor } from "./fake_supervisor.ts";

/** The fixed instant of {@link controlScenario}'s clock. */
export const CONTROL_CLOCK = "2024-01-02T03:04:05.678Z";

/**
 * The control-API and controller scenario: `web` (two instances, RUNNING, pids 4100 and 4101),
 * `worker` (STOPPED), `broken` (FATAL, exit status 1; every start fails with "spawn error:
 * ENOENT"). A fixed clock, no transition events (the event log holds exactly daemon-start,
 * spawned web:0 and exited broken), pids of (re)started processes count up from 6000, 20 lines
 * on web:0's stdout and "oops\n" on its stderr.
 */
export function controlScenario(): FakeSupervisor {
  const api = new FakeSupervisor([
    { program: "web", numprocs: 2, pid: 4100 },
    { program: "worker", state: "STOPPED" },
    {
      program: "broken",
      state: "FATAL",
      exitCode: 1,
      description: "exited too quickly (exit status 1)",
    },
  ], {
    clock: () => new Date(CONTROL_CLOCK),
    firstPid: 6000,
    transitionEvents: false,
    unstartable: ["broken"],
    reloadResult: {
      added: ["api"],
      changed: ["web"],
      removed: [],
      unchanged: ["worker", "broken"],
    },
  });
  const lines = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join("\n") + "\n";
  api.print("web:0", "stdout", lines);
  api.print("web:0", "stderr", "oops\n");
  api.events.emit("INFO", "daemon-start", null, { pid: 1234 });
  api.events.emit("INFO", "spawned", { process: "web:0", program: "web" }, { pid: 4100 });
  api.events.emit("WARN", "exited", { process: "broken", program: "broken" }, {
    code: 1,
    expected: false,
    reason: "exit status 1",
  });
  return api;
}

/**
 * The hostile-input scenario of the reliability tests and the API fuzzer: `web` and `worker:0`,
 * `worker:1`, all RUNNING, two lines of stdout each; an unknown name in any command, actions
 * included, is a BAD_NAME error.
 */
export function hostileScenario(): FakeSupervisor {
  const api = new FakeSupervisor([["web", 1], ["worker", 2]], { strictActionNames: true });
  api.print("all", "stdout", "line 1\nline 2\n");
  api.events.emit("INFO", "daemon-start", null, { pid: 1 });
  return api;
}
