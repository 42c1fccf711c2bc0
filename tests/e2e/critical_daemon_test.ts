/**
 * Critical programs through the real daemon (docs/lifecycle.md "Critical programs", docs/cli.md
 * "Exit codes"): taskmasterd stops the other programs and exits with the critical program's code,
 * 128 + N for a signal, 127 when it could never be spawned, 0 for an expected code; the
 * `critical-exit` line is in the event log and the `critical` alert mail reaches a real SMTP sink
 * before the daemon exits. Every wait is on an event or a state, with generous deadlines.
 */
import assert from "node:assert/strict";
import {
  daemonTaskFlags,
  FIXTURES_BIN,
  runDaemonCommand,
  startDaemon,
} from "../helpers/daemon_harness.ts";
import { pidAlive, waitFor } from "../helpers/wait_for.ts";
import { startSink } from "../integration/alerts/smtp_sink.ts";
import { statusOf, waitStates } from "./lib/e2e_helpers.ts";

/** Exits with CODE once the file `go` exists in its working directory (the test's trigger). */
const WAIT_FOR_GO = (code: number) =>
  `["/bin/sh", "-c", "while [ ! -e go ]; do sleep 0.05; done; exit ${code}"]`;

Deno.test("e2e critical: exit 3 stops the others, mails the alert, and taskmasterd exits 3", async () => {
  const sink = await startSink();
  // A long batch window: the critical mail must not wait for it.
  const daemon = await startDaemon(`taskmaster:
  http: false
  logfile: events.log
  email: ops@example.test
  smtp: { host: 127.0.0.1, port: ${sink.port}, secure: false, from: tm@example.test }
  alerts: { batch-window: 60 }
programs:
  main:
    cmd: ${WAIT_FOR_GO(3)}
    critical: unexpected
    autorestart: true
    starttime: 0
    stoptime: 2
  side:
    cmd: ${FIXTURES_BIN}/forever
    numprocs: 2
    starttime: 0
    stoptime: 2
`);
  try {
    const states = await waitStates(daemon, {
      main: "RUNNING",
      "side:0": "RUNNING",
      "side:1": "RUNNING",
    });
    const sidePids = ["side:0", "side:1"].map((n) => states.get(n)!.pid!);
    await Deno.writeTextFile(`${daemon.dir}/go`, "");
    const status = await daemon.status;
    assert.equal(status.code, 3, daemon.lines.join("\n"));
    for (const pid of sidePids) assert.equal(pidAlive(pid), false, `side pid ${pid} still alive`);
    const line = daemon.lines.find((l) => / main critical-exit /.test(l));
    assert.ok(line, daemon.lines.join("\n"));
    assert.match(
      line,
      /^\S+ ERROR main critical-exit mode=unexpected reason="exit status 3 \(unexpected\)" code=3 signal=- exitcode=3$/,
    );
    assert.ok(daemon.lines.some((l) => /daemon-stop by=critical phase=begin/.test(l)));
    const logFile = await Deno.readTextFile(`${daemon.dir}/events.log`);
    assert.match(logFile, / main critical-exit .*exitcode=3/);
    const critical = sink.mails.find((m) => /\bcritical\b/.test(m.parsed.subject ?? ""));
    assert.ok(critical, `no critical mail before exit: ${sink.mails.map((m) => m.parsed.subject)}`);
    assert.match(critical.parsed.subject ?? "", /\bmain\b/);
    assert.match(critical.parsed.text ?? "", /CRITICAL: main ended the daemon .*exits 3/);
    assert.ok(daemon.lines.some((l) => / - alert-sent .*kinds=critical/.test(l)));
  } finally {
    await daemon.stop();
    await sink.close();
  }
});

Deno.test("e2e critical: a critical program killed by SIGKILL makes taskmasterd exit 137", async () => {
  const daemon = await startDaemon(`taskmaster:
  http: false
programs:
  main:
    cmd: ${FIXTURES_BIN}/forever
    critical: exit
    starttime: 0
`);
  try {
    const states = await waitStates(daemon, { main: "RUNNING" });
    Deno.kill(states.get("main")!.pid!, "SIGKILL");
    const status = await daemon.status;
    assert.equal(status.code, 137, daemon.lines.join("\n"));
    assert.ok(
      daemon.lines.some((l) => / main critical-exit .*signal=SIGKILL exitcode=137/.test(l)),
    );
  } finally {
    await daemon.stop();
  }
});

Deno.test("e2e critical: a program that can never be spawned makes taskmasterd exit 127", async () => {
  const daemon = await startDaemon(
    `taskmaster:
  http: false
programs:
  main:
    cmd: /nonexistent/taskmaster-critical
    critical: fatal
    startretries: 0
  later:
    cmd: ${FIXTURES_BIN}/forever
`,
    { waitReady: false },
  );
  try {
    const status = await daemon.status;
    assert.equal(status.code, 127, daemon.lines.join("\n"));
    assert.ok(daemon.lines.some((l) => / main critical-exit mode=fatal .*exitcode=127/.test(l)));
    assert.ok(!daemon.lines.some((l) => / later spawned /.test(l)), "nothing starts after it");
  } finally {
    await daemon.stop();
  }
});

Deno.test("e2e critical: exit mode with an expected code ends taskmasterd with 0", async () => {
  const daemon = await startDaemon(`taskmaster:
  http: false
programs:
  main:
    cmd: ${WAIT_FOR_GO(0)}
    critical: exit
    starttime: 0
  other:
    cmd: ${FIXTURES_BIN}/forever
    starttime: 0
`);
  try {
    const states = await waitStates(daemon, { main: "RUNNING", other: "RUNNING" });
    const other = states.get("other")!.pid!;
    await Deno.writeTextFile(`${daemon.dir}/go`, "");
    const status = await daemon.status;
    assert.equal(status.code, 0, daemon.lines.join("\n"));
    assert.equal(pidAlive(other), false);
    assert.ok(daemon.lines.some((l) => / main critical-exit mode=exit .*exitcode=0/.test(l)));
  } finally {
    await daemon.stop();
  }
});

Deno.test("e2e critical: an operator stop of a critical program does not end the daemon", async () => {
  const daemon = await startDaemon(`taskmaster:
  http: false
programs:
  main:
    cmd: ${FIXTURES_BIN}/forever
    critical: exit
    starttime: 0
`);
  try {
    await waitStates(daemon, { main: "RUNNING" });
    const reply = await daemon.call("stop", { names: ["main"] });
    assert.ok(reply.ok, JSON.stringify(reply));
    await waitStates(daemon, { main: "STOPPED" });
    // Still answering after the stop settled: the daemon did not shut down.
    await waitFor(async () => (await statusOf(daemon)).length === 1, { what: "status" });
    assert.ok(!daemon.lines.some((l) => /critical-exit/.test(l)));
  } finally {
    await daemon.stop();
  }
});

Deno.test("examples: container.yaml passes -t; the Dockerfile runs taskmasterd as PID 1 with the daemon task's flags", async () => {
  const root = new URL("../../", import.meta.url).pathname;
  const check = await runDaemonCommand(["-t", "-c", `${root}examples/container.yaml`]);
  assert.equal(check.code, 0, check.stderr);
  assert.match(check.stdout, /container\.yaml: ok \(2 programs\)/);
  const dockerfile = await Deno.readTextFile(`${root}examples/Dockerfile`);
  const json = (directive: string) => {
    const line = dockerfile.split("\n").find((l) => l.startsWith(`${directive} [`));
    assert.ok(line, `exec-form ${directive} (no shell in front of PID 1)`);
    return JSON.parse(line.slice(directive.length + 1)) as string[];
  };
  const entry = json("ENTRYPOINT");
  assert.deepEqual(entry.slice(0, 2), ["deno", "run"]);
  assert.equal(entry.at(-1), "main.ts");
  assert.deepEqual(entry.filter((w) => w.startsWith("--allow-")), await daemonTaskFlags());
  assert.deepEqual(json("CMD"), ["-c", "examples/container.yaml"]);
  for (const line of dockerfile.split("\n").filter((l) => l.startsWith("COPY "))) {
    for (const source of line.split(/\s+/).slice(1, -1)) {
      await Deno.stat(`${root}${source}`); // every copied path exists in the repository
    }
  }
});
