import { assert, assertEquals, assertMatch } from "../control/asserts.ts";
import { createControlHandler } from "../../../src/control/handler.ts";
import { listenUnix, probeSocket } from "../../../src/http1/unix_listener.ts";
import { controlScenario } from "../../helpers/fake_scenarios.ts";
import { waitFor } from "../../helpers/wait_for.ts";

async function tempDir(): Promise<string> {
  return await Deno.makeTempDir({ prefix: "tm-listen-" });
}

async function get(path: string, route: string): Promise<Response> {
  const client = Deno.createHttpClient({ proxy: { transport: "unix", path } });
  try {
    const res = await fetch(`http://x${route}`, { client, method: "POST", body: "{}" });
    await res.body?.cancel();
    return res;
  } finally {
    client.close();
  }
}

/** Creates a socket file nobody listens on (what a SIGKILLed daemon leaves behind). */
async function staleSocket(path: string): Promise<void> {
  const out = await new Deno.Command("python3", {
    args: [
      "-c",
      "import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.close()",
      path,
    ],
  }).output();
  assert(out.success, new TextDecoder().decode(out.stderr));
}

Deno.test("listenUnix serves the handler; the socket is 0600 from its first appearance", async () => {
  const dir = await tempDir();
  const path = `${dir}/taskmasterd.sock`;
  // A separate process polls the path every 1 ms so it sees the file the moment it exists.
  const poller = new Deno.Command("python3", {
    args: [
      "-c",
      `import os,sys,time,stat
p=sys.argv[1]; seen=[]; print("polling", flush=True); end=time.time()+10
while time.time()<end and len(seen)<30:
    try: seen.append(oct(stat.S_IMODE(os.lstat(p).st_mode)))
    except FileNotFoundError: pass
    time.sleep(0.001)
print(" ".join(seen))`,
      path,
    ],
    stdout: "piped",
  }).spawn();
  const reader = poller.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("polling")) text += (await reader.read()).value ?? "";
  const server = await listenUnix(path, createControlHandler(controlScenario()));
  try {
    while (true) {
      const step = await reader.read();
      if (step.done) break;
      text += step.value;
    }
    await poller.status;
    const modes = text.replace("polling", "").trim().split(/\s+/);
    assert(modes.length >= 30, `poller saw ${modes.length} samples`);
    assertEquals([...new Set(modes)], ["0o600"]);
    const res = await get(path, "/v1/version");
    assertEquals(res.status, 200);
    assertEquals(await probeSocket(path), "live");
    // No temporary directory or file is left beside the socket.
    const entries = [...Deno.readDirSync(dir)].map((e) => e.name);
    assertEquals(entries, ["taskmasterd.sock"]);
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("listenUnix replaces a stale socket and refuses a live one", async () => {
  const dir = await tempDir();
  const path = `${dir}/d.sock`;
  await staleSocket(path);
  assertEquals(await probeSocket(path), "stale");
  const first = await listenUnix(path, createControlHandler(controlScenario()));
  try {
    let message = "";
    try {
      const second = await listenUnix(path, createControlHandler(controlScenario()));
      await second.close();
    } catch (error) {
      message = String(error);
    }
    assertMatch(message, /another taskmasterd is running on .*d\.sock/);
    assertEquals((await get(path, "/v1/status")).status, 200);
  } finally {
    await first.close();
  }
  assertEquals(await probeSocket(path), "absent");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("another uid cannot connect to the socket (and can once it is opened up)", async () => {
  const dir = await tempDir();
  // Open the folder so only the socket's own mode stands between nobody and the daemon.
  await Deno.chmod(dir, 0o755);
  const path = `${dir}/d.sock`;
  const server = await listenUnix(path, createControlHandler(controlScenario()));
  const tryAsNobody = async () => {
    // The system python (a pyenv shim under /root is not reachable for nobody).
    const out = await new Deno.Command("/usr/bin/python3", {
      args: [
        "-c",
        "import socket,sys\ntry:\n s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); print('connected')\nexcept OSError as e: print(e.errno)",
        path,
      ],
      uid: 65534,
      gid: 65534,
      stdout: "piped",
    }).output();
    return new TextDecoder().decode(out.stdout).trim();
  };
  try {
    assertEquals(await tryAsNobody(), "13"); // EACCES
    await Deno.chmod(path, 0o666);
    assertEquals(await tryAsNobody(), "connected");
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("close() ends followed streams, and vanished clients never crash the server", async () => {
  const dir = await tempDir();
  const path = `${dir}/d.sock`;
  const api = controlScenario();
  const errors: unknown[] = [];
  const server = await listenUnix(path, createControlHandler(api), {
    onError: (e) => errors.push(e),
  });
  try {
    // Clients that send a request and vanish mid-reply, many times.
    for (let i = 0; i < 20; i++) {
      const conn = await Deno.connect({ transport: "unix", path });
      const route = i % 2 === 0 ? "/v1/events?follow=1" : "/v1/output?name=web:0&follow=1";
      await conn.write(new TextEncoder().encode(`GET ${route} HTTP/1.1\r\nHost: x\r\n\r\n`));
      await conn.read(new Uint8Array(64));
      conn.close();
    }
    await waitFor(() => api.followerCount() === 0, { what: "followers detached", timeoutMs: 5000 });
    for (let i = 0; i < 50; i++) {
      api.events.emit("INFO", "reload", null, { n: i });
      api.emitOutput("web:0", "stdout", "x".repeat(10_000));
    }
    // A follower still attached while the server closes.
    const client = Deno.createHttpClient({ proxy: { transport: "unix", path } });
    const res = await fetch("http://x/v1/events?follow=1", { client });
    const body = res.body!.getReader();
    await body.read();
    // The client keeps its stream open and reads nothing more until close() has resolved: had
    // close() waited for open streams to end, it would never resolve (a follow stream has no
    // end of its own). The deadline only turns such a hang into a failure.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const closed = await Promise.race([
      server.close().then(() => "closed"),
      new Promise<string>((resolve) => {
        timer = setTimeout(() => resolve("hung"), 30_000);
      }),
    ]);
    clearTimeout(timer);
    assertEquals(closed, "closed", "close() waited on an open stream");
    // …and the stream ends with the close.
    while (!(await body.read()).done) { /* drain what was sent before the close */ }
    client.close();
    assertEquals(await probeSocket(path), "absent");
    assertEquals(errors.length, 0, `onError got ${errors.map(String).join("; ")}`);
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});
