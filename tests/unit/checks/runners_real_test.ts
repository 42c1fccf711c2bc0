/**
 * The real probe OS (src/checks/os.ts) against loopback servers and real `sh -c` commands:
 * messages as people see them, TLS verification on and off, exec identity and cleanup.
 */
import assert from "node:assert/strict";
import { HealthMonitor } from "../../../src/checks/health_monitor.ts";
import { realProbeOs } from "../../../src/checks/os.ts";
import { ReadyWatcher } from "../../../src/checks/ready_watcher.ts";
import { runProbe } from "../../../src/checks/run.ts";
import type { ExecIdentity, ProbeContext } from "../../../src/checks/types.ts";
import { systemClock } from "../../../src/clock.ts";
import { pidAlive, waitFor } from "../../helpers/wait_for.ts";
import { makeSpec } from "../../helpers/specs.ts";

const FIXTURES = new URL("../../fixtures/alerts/", import.meta.url);

function ctx(exec: ExecIdentity | null = null): ProbeContext {
  return { clock: systemClock, os: realProbeOs, exec };
}

/** A loopback port nobody listens on (bound, then released). */
function closedPort(hostname = "127.0.0.1"): number {
  const listener = Deno.listen({ hostname, port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

Deno.test("real tcp: a listening port passes, a closed one is ECONNREFUSED", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = String((listener.addr as Deno.NetAddr).port);
  const accepted = listener.accept().then((conn) => conn.close());
  try {
    const pass = await runProbe({ kind: "tcp", host: "", port }, 1000, ctx());
    assert.deepEqual(pass, { ok: true, message: `connected to 127.0.0.1:${port}` });
    await accepted;
  } finally {
    listener.close();
  }
  const refused = closedPort();
  assert.deepEqual(
    await runProbe({ kind: "tcp", host: "127.0.0.1", port: String(refused) }, 1000, ctx()),
    {
      ok: false,
      message: `connect ECONNREFUSED 127.0.0.1:${refused}`,
    },
  );
});

Deno.test("real tcp: IPv6 loopback written without brackets", async () => {
  let listener: Deno.Listener;
  try {
    listener = Deno.listen({ hostname: "::1", port: 0 });
  } catch {
    console.log("no IPv6 loopback here: skipped");
    return;
  }
  const port = String((listener.addr as Deno.NetAddr).port);
  const accepted = listener.accept().then((conn) => conn.close());
  try {
    assert.equal((await runProbe({ kind: "tcp", host: "::1", port }, 1000, ctx())).ok, true);
    await accepted;
  } finally {
    listener.close();
  }
});

Deno.test("real http: statuses, no redirect following, refused, TLS verify on and off", async () => {
  const handler = (request: Request) => {
    const path = new URL(request.url).pathname;
    if (path === "/redir") {
      return new Response(null, { status: 302, headers: { location: "/bad" } });
    }
    if (path === "/bad") return new Response("down", { status: 503 });
    return new Response("x".repeat(100_000));
  };
  const plain = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, handler);
  const tls = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    onListen() {},
    cert: Deno.readTextFileSync(new URL("test_only_cert.pem", FIXTURES)),
    key: Deno.readTextFileSync(new URL("test_only_key.pem", FIXTURES)),
  }, handler);
  const base = `http://127.0.0.1:${plain.addr.port}`;
  const http = (url: string, tlsverify = true, status: number[] | null = null) =>
    runProbe({ kind: "http", url, status, tlsverify }, 2000, ctx());
  try {
    assert.deepEqual(await http(`${base}/ok`), { ok: true, message: "HTTP 200" });
    assert.deepEqual(await http(`${base}/redir`), { ok: true, message: "HTTP 302" });
    assert.deepEqual(await http(`${base}/redir`, true, [200]), { ok: false, message: "HTTP 302" });
    assert.deepEqual(await http(`${base}/bad`), { ok: false, message: "HTTP 503" });
    const secure = `https://127.0.0.1:${tls.addr.port}/ok`;
    const verified = await http(secure, true);
    console.log(`self-signed with tlsverify: ${verified.message}`);
    assert.equal(verified.ok, false);
    assert.deepEqual(await http(secure, false), { ok: true, message: "HTTP 200" });
  } finally {
    await plain.shutdown();
    await tls.shutdown();
  }
  const refused = closedPort();
  assert.deepEqual(await http(`http://127.0.0.1:${refused}/`), {
    ok: false,
    message: `connect ECONNREFUSED 127.0.0.1:${refused}`,
  });
  assert.deepEqual(await http("ftp://x/"), { ok: false, message: 'unsupported scheme "ftp:"' });
});

Deno.test("real exec: program env, workingdir and umask; exit codes; command not found", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "tm-exec-check-" });
  try {
    const identity: ExecIdentity = {
      spec: makeSpec({ name: "web", env: { MODE: "check" }, workingdir: dir, umask: 0o027 }),
      processName: "web:2",
      index: 2,
      secretEnv: [],
    };
    const script = `test "$TASKMASTER_PROCESS_NUM" = 2 && test "$MODE" = check && ` +
      `test "$(pwd)" = "${dir}" && test "$(umask)" = 0027`;
    assert.deepEqual(
      await runProbe({ kind: "exec", argv: ["/bin/sh", "-c", script] }, 5000, ctx(identity)),
      { ok: true, message: "exit status 0" },
    );
    assert.deepEqual(
      await runProbe({ kind: "exec", argv: ["/bin/sh", "-c", "exit 3"] }, 5000, ctx(identity)),
      { ok: false, message: "exit status 3" },
    );
    assert.deepEqual(
      await runProbe({ kind: "exec", argv: ["no-such-check-cmd"] }, 5000, ctx(identity)),
      { ok: false, message: "command not found in PATH: no-such-check-cmd" },
    );
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("real exec: a grandchild left behind by a passing check is killed with the group", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "tm-exec-check-" });
  const identity: ExecIdentity = {
    spec: makeSpec({ name: "w" }),
    processName: "w",
    index: 0,
    secretEnv: [],
  };
  try {
    const script = `sleep 300 & echo $! > ${dir}/pid; exit 0`;
    const result = await runProbe(
      { kind: "exec", argv: ["/bin/sh", "-c", script] },
      5000,
      ctx(identity),
    );
    assert.equal(result.ok, true);
    const pid = Number(Deno.readTextFileSync(`${dir}/pid`));
    await waitFor(() => !pidAlive(pid), { what: `grandchild ${pid} gone` });
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("real watchers: ready over tcp on the default OS; health stop kills a real exec", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  const accepting = (async () => {
    for await (const conn of listener) conn.close();
  })().catch(() => {});
  const identity: ExecIdentity = {
    spec: makeSpec({ name: "r" }),
    processName: "r:0",
    index: 0,
    secretEnv: [],
  };
  try {
    const ready = await new Promise<string>((resolve) => {
      new ReadyWatcher({
        spec: {
          check: { kind: "tcp", host: "", port: `{num+${port}}` },
          period: 0.05,
          timeout: 1,
          initialdelay: 0,
          deadline: 30,
        },
        exec: identity,
        clock: systemClock,
        onReady: (e) => resolve(`ready ${e.check}`),
        onDeadline: (e) => resolve(`deadline ${e.last}`),
      });
    });
    assert.equal(ready, "ready tcp");
  } finally {
    listener.close();
    await accepting;
  }
  const dir = Deno.makeTempDirSync({ prefix: "tm-health-" });
  try {
    const monitor = new HealthMonitor({
      spec: {
        check: { kind: "exec", argv: ["/bin/sh", "-c", `echo $$ > ${dir}/pid; exec sleep 300`] },
        period: 10,
        timeout: 60,
        failures: 1,
        initialdelay: 0,
        action: "none",
      },
      exec: identity,
      clock: systemClock,
      onUnhealthy: () => {},
      onHealthy: () => {},
    });
    const pid = await waitFor(() => {
      try {
        return Number(Deno.readTextFileSync(`${dir}/pid`)) || null;
      } catch {
        return null;
      }
    }, { what: "exec check started" });
    assert(pidAlive(pid));
    monitor.stop();
    await waitFor(() => !pidAlive(pid), { what: `exec check ${pid} killed` });
    assert.equal(monitor.status().state, "unknown");
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
