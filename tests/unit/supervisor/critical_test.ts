/** The pure critical-program policy (docs/lifecycle.md "Critical programs"), as one table. */
import assert from "node:assert/strict";
import type { CriticalMode } from "../../../src/config/types.ts";
import {
  criticalDecision,
  type Ending,
  exitCodeOf,
  signalNumber,
} from "../../../src/supervisor/critical.ts";
import type { ProcState } from "../../../src/supervisor/states.ts";

const exit = (from: ProcState, code: number | null, signal: string | null = null): Ending => ({
  kind: "exit",
  from,
  exit: { code, signal },
  expected: signal === null && code === 0,
});
const fatal = (
  cause: "exit" | "spawn-error" | "daemon",
  code: number | null,
  signal: string | null = null,
): Ending => ({
  kind: "fatal",
  cause,
  lastExit: code === null && signal === null ? null : { code, signal },
  expected: signal === null && code === 0,
  reason: "why",
});

type Row = [
  label: string,
  mode: CriticalMode | false,
  ending: Ending,
  operator: boolean,
  shuttingDown: boolean,
  /** The daemon's exit code, or null for "no trigger". */
  want: number | null,
];

const ROWS: Row[] = [
  // mode false: never
  ["off: unexpected exit", false, exit("RUNNING", 3), false, false, null],
  ["off: fatal", false, fatal("exit", 3), false, false, null],
  // fatal: only FATAL
  ["fatal: unexpected exit from RUNNING", "fatal", exit("RUNNING", 3), false, false, null],
  ["fatal: killed in RUNNING", "fatal", exit("RUNNING", null, "SIGKILL"), false, false, null],
  ["fatal: FATAL after exits 3", "fatal", fatal("exit", 3), false, false, 3],
  ["fatal: FATAL after a signal", "fatal", fatal("exit", null, "SIGSEGV"), false, false, 139],
  ["fatal: FATAL after expected exits", "fatal", fatal("exit", 0), false, false, 1],
  ["fatal: FATAL never spawned", "fatal", fatal("spawn-error", null), false, false, 127],
  [
    "fatal: FATAL by the daemon (signal)",
    "fatal",
    fatal("daemon", null, "SIGTERM"),
    false,
    false,
    1,
  ],
  // unexpected
  ["unexpected: exit 3 from RUNNING", "unexpected", exit("RUNNING", 3), false, false, 3],
  ["unexpected: exit 0 from RUNNING", "unexpected", exit("RUNNING", 0), false, false, null],
  ["unexpected: SIGKILL", "unexpected", exit("RUNNING", null, "SIGKILL"), false, false, 137],
  ["unexpected: SIGTERM", "unexpected", exit("RUNNING", null, "SIGTERM"), false, false, 143],
  ["unexpected: exit in STARTING", "unexpected", exit("STARTING", 3), false, false, null],
  ["unexpected: exit in STOPPING", "unexpected", exit("STOPPING", 3), false, false, null],
  ["unexpected: FATAL", "unexpected", fatal("exit", 5), false, false, 5],
  ["unexpected: FATAL never spawned", "unexpected", fatal("spawn-error", null), false, false, 127],
  // exit
  ["exit: exit 0 (expected)", "exit", exit("RUNNING", 0), false, false, 0],
  ["exit: exit 3", "exit", exit("RUNNING", 3), false, false, 3],
  ["exit: SIGKILL", "exit", exit("RUNNING", null, "SIGKILL"), false, false, 137],
  ["exit: exit in STARTING", "exit", exit("STARTING", 0), false, false, null],
  ["exit: exit in STOPPING", "exit", exit("STOPPING", 0), false, false, null],
  ["exit: FATAL after expected exits", "exit", fatal("exit", 0), false, false, 1],
  // operator-caused and shutdown-in-progress never trigger
  ["operator: signal then exit", "exit", exit("RUNNING", null, "SIGTERM"), true, false, null],
  ["operator: unexpected", "unexpected", exit("RUNNING", 3), true, false, null],
  ["operator: FATAL", "fatal", fatal("exit", 3), true, false, null],
  ["shutdown: exit", "exit", exit("RUNNING", 3), false, true, null],
  ["shutdown: unexpected", "unexpected", exit("RUNNING", null, "SIGKILL"), false, true, null],
  ["shutdown: FATAL", "fatal", fatal("spawn-error", null), false, true, null],
];

for (const [label, mode, ending, operatorCaused, shuttingDown, want] of ROWS) {
  Deno.test(`critical policy: ${label} -> ${want ?? "no trigger"}`, () => {
    const d = criticalDecision({ mode, ending, operatorCaused, shuttingDown });
    assert.equal(d?.exitCode ?? null, want);
    if (d !== null) assert.equal(d.mode, mode);
  });
}

Deno.test("critical policy: the decision says why and carries the program's own exit", () => {
  const d = criticalDecision({
    mode: "unexpected",
    ending: exit("RUNNING", 3),
    operatorCaused: false,
    shuttingDown: false,
  })!;
  assert.deepEqual(d, {
    mode: "unexpected",
    exitCode: 3,
    reason: "exit status 3 (unexpected)",
    code: 3,
    signal: null,
  });
  const k = criticalDecision({
    mode: "exit",
    ending: exit("RUNNING", null, "SIGKILL"),
    operatorCaused: false,
    shuttingDown: false,
  })!;
  assert.equal(k.reason, "killed by SIGKILL (unexpected)");
  assert.equal(k.signal, "SIGKILL");
  const f = criticalDecision({
    mode: "fatal",
    ending: fatal("spawn-error", null),
    operatorCaused: false,
    shuttingDown: false,
  })!;
  assert.equal(f.reason, "gave up: why");
  assert.equal(f.code, null);
  const daemon = criticalDecision({
    mode: "fatal",
    ending: fatal("daemon", null, "SIGTERM"),
    operatorCaused: false,
    shuttingDown: false,
  })!;
  assert.equal(daemon.signal, null, "the daemon's own kill is not the program's exit");
});

Deno.test("signal numbers follow Linux; unknown ones still exit above 128", () => {
  assert.equal(signalNumber("SIGKILL"), 9);
  assert.equal(signalNumber("TERM"), 15);
  assert.equal(signalNumber("sigsegv"), 11);
  assert.equal(exitCodeOf({ code: null, signal: "SIGINT" }), 130);
  assert.equal(exitCodeOf({ code: null, signal: "SIGRTMIN+3" }), 128);
  assert.equal(exitCodeOf({ code: 42, signal: null }), 42);
});
