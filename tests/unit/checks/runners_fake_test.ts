/** Probe runners against a fake OS on a FakeClock: verdicts, messages, timeouts, cleanup. */
import assert from "node:assert/strict";
import { runProbe } from "../../../src/checks/run.ts";
import type { ExecIdentity, ProbeContext } from "../../../src/checks/types.ts";
import { FakeClock } from "../../helpers/fake_clock.ts";
import { FakeProbeOs, osError } from "../../helpers/fake_probe_os.ts";
import { makeSpec } from "../../helpers/specs.ts";

const identity: ExecIdentity = {
  spec: makeSpec({ name: "db" }),
  processName: "db",
  index: 0,
  secretEnv: [],
};

function setup(): { clock: FakeClock; os: FakeProbeOs; ctx: ProbeContext } {
  const clock = new FakeClock();
  const os = new FakeProbeOs();
  return { clock, os, ctx: { clock, os, exec: identity } };
}

const tcp = (port: string, host = "") => ({ kind: "tcp", host, port }) as const;
const http = (status: number[] | null = null) =>
  ({ kind: "http", url: "http://127.0.0.1:1/h", status, tlsverify: true }) as const;

Deno.test("tcp: connected passes and closes; refusal reads like connect ECONNREFUSED", async () => {
  const { os, ctx } = setup();
  os.connectReply = "ok";
  assert.deepEqual(await runProbe(tcp("5432"), 1000, ctx), {
    ok: true,
    message: "connected to 127.0.0.1:5432",
  });
  assert.equal(os.closed, 1);
  os.connectReply = osError("ConnectionRefused");
  assert.deepEqual(await runProbe(tcp("5432"), 1000, ctx), {
    ok: false,
    message: "connect ECONNREFUSED 127.0.0.1:5432",
  });
  assert.equal(
    (await runProbe(tcp("80", "::1"), 1000, ctx)).message,
    "connect ECONNREFUSED [::1]:80",
  );
  assert.equal((await runProbe(tcp("70000"), 1000, ctx)).message, 'invalid port "70000"');
});

Deno.test("tcp: a connect that hangs ends at the timeout; a late connection is closed", async () => {
  const { clock, os, ctx } = setup();
  const result = runProbe(tcp("5432"), 1000, ctx);
  await clock.tick(999);
  assert.equal(os.connects.length, 1);
  await clock.tick(1);
  assert.deepEqual(await result, { ok: false, message: "timeout after 1s" });
  os.connects[0]!.resolve(os.conn());
  await clock.flush();
  assert.equal(os.opened, 1);
  assert.equal(os.closed, 1);
  assert.equal(clock.pending, 0);
});

Deno.test("http: 2xx/3xx pass by default; status list decides otherwise; errors as messages", async () => {
  const { os, ctx } = setup();
  for (const [status, ok] of [[200, true], [302, true], [404, false], [503, false]] as const) {
    os.getReply = status;
    assert.deepEqual(await runProbe(http(), 1000, ctx), { ok, message: `HTTP ${status}` });
  }
  os.getReply = 302;
  assert.equal((await runProbe(http([200]), 1000, ctx)).ok, false);
  os.getReply = 503;
  assert.equal((await runProbe(http([503]), 1000, ctx)).ok, true);
  os.getReply = new Error("connect ECONNREFUSED 127.0.0.1:1");
  assert.deepEqual(await runProbe(http(), 1000, ctx), {
    ok: false,
    message: "connect ECONNREFUSED 127.0.0.1:1",
  });
});

Deno.test("http: a stalled request is aborted at the timeout", async () => {
  const { clock, os, ctx } = setup();
  const result = runProbe(http(), 1500, ctx);
  await clock.tick(1500);
  assert.deepEqual(await result, { ok: false, message: "timeout after 1.5s" });
  assert.equal(os.gets[0]!.signal?.aborted, true);
});

Deno.test("exec: exit 0 passes, other exits fail, the group is always SIGKILLed", async () => {
  const { clock, os, ctx } = setup();
  const target = { kind: "exec", argv: ["pg_isready", "-q"] } as const;
  const pass = runProbe(target, 1000, ctx);
  await clock.flush();
  const child = os.spawner.last;
  assert.deepEqual(child.request.spec.argv, ["pg_isready", "-q"]);
  assert.equal(child.request.spec.name, "db");
  assert.equal(child.request.stdout, "null");
  child.leftovers = true; // a grandchild still sleeping in the group
  child.exit(0);
  assert.deepEqual(await pass, { ok: true, message: "exit status 0" });
  assert.deepEqual(os.spawner.signalsTo(child.pid), ["SIGKILL"]);
  assert.equal(child.groupAlive, false);

  const fail = runProbe(target, 1000, ctx);
  await clock.flush();
  os.spawner.last.exit(3);
  assert.deepEqual(await fail, { ok: false, message: "exit status 3" });
  // The same derived spec is reused (the spawner's env cache keys on it).
  assert.equal(os.spawner.children[0]!.request.spec, os.spawner.children[1]!.request.spec);
});

Deno.test("exec: at the timeout the whole group is SIGKILLed; spawn errors are messages", async () => {
  const { clock, os, ctx } = setup();
  const result = runProbe({ kind: "exec", argv: ["sleep", "100"] }, 2000, ctx);
  await clock.tick(2000);
  assert.deepEqual(await result, { ok: false, message: "timeout after 2s" });
  assert.equal(os.spawner.signalsTo(os.spawner.last.pid)[0], "SIGKILL");
  assert.equal(os.spawner.last.groupAlive, false);
  os.spawner.failNext("command not found in PATH: nope");
  assert.deepEqual(await runProbe({ kind: "exec", argv: ["nope"] }, 1000, ctx), {
    ok: false,
    message: "command not found in PATH: nope",
  });
});

Deno.test("every runner settles at once when its cancel signal aborts", async () => {
  const { clock, os } = setup();
  const controller = new AbortController();
  const ctx = { clock, os, exec: identity, signal: controller.signal };
  const results = [
    runProbe(tcp("1"), 10_000, ctx),
    runProbe(http(), 10_000, ctx),
    runProbe({ kind: "exec", argv: ["sleep", "9"] }, 10_000, ctx),
  ];
  await clock.flush();
  controller.abort();
  for (const r of await Promise.all(results)) {
    assert.deepEqual(r, { ok: false, message: "cancelled" });
  }
  assert.equal(os.spawner.last.groupAlive, false);
  assert.equal(clock.pending, 0);
});
