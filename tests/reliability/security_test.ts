/**
 * S1, S2, S3, S7, S8, S9 (docs/reliability.md) on a real taskmasterd: socket mode from the first
 * moment, loopback-only HTTP bind, refusal of an open non-loopback bind, complete privilege drop,
 * per-child umask and workingdir, and secret-source variables kept out of children.
 */
import assert from "node:assert/strict";
import { runDaemonCommand, startDaemon, writeTempConfig } from "../helpers/daemon_harness.ts";
import { waitExeced, waitFor } from "../helpers/wait_for.ts";
import { daemonConfig, waitState } from "./lib/daemon_util.ts";
import { procStatus } from "./lib/proc.ts";

Deno.test("S1: the control socket is 0600 from the first observation; uid 65534 gets EACCES", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tm-s1-" });
  await Deno.chmod(dir, 0o755); // world-traversable: only the socket's own mode protects it
  const socket = `${dir}/taskmasterd.sock`;
  const modes = new Map<string, number>();
  let observations = 0;
  let polling = true;
  const poller = (async () => {
    while (polling) {
      try {
        const info = await Deno.lstat(socket);
        observations++;
        const key = `${(info.mode ?? 0).toString(8)} uid=${info.uid}`;
        modes.set(key, (modes.get(key) ?? 0) + 1);
      } catch (error) {
        if (!(error instanceof Deno.errors.NotFound)) throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  })();
  const daemon = await startDaemon(`taskmaster:\n  http: false\nprograms: {}\n`, { dir });
  try {
    polling = false;
    await poller;
    const code = `try { const c = await Deno.connect({ transport: "unix", path: ${
      JSON.stringify(socket)
    } }); c.close(); console.log("CONNECTED"); } catch (e) { console.log(e.name); }`;
    const nobody = await new Deno.Command(Deno.execPath(), {
      args: ["eval", "--no-config", code],
      uid: 65534,
      gid: 65534,
      cwd: "/",
      env: { DENO_DIR: `${dir}/deno-dir`, HOME: "/tmp" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const answer = new TextDecoder().decode(nobody.stdout).trim();
    const dirMode = ((await Deno.stat(dir)).mode ?? 0) & 0o777;
    console.log(
      `S1: ${observations} observations of the socket during startup, modes ` +
        `${JSON.stringify(Object.fromEntries(modes))}; socket dir ${dirMode.toString(8)}; ` +
        `uid 65534 connect: ${answer || new TextDecoder().decode(nobody.stderr).slice(0, 200)}`,
    );
    assert(observations > 0, "the socket was never observed");
    for (const key of modes.keys()) assert.match(key, /^140600 uid=0$/, `socket seen as ${key}`);
    assert.equal(answer, "PermissionDenied");
  } finally {
    polling = false;
    await poller;
    await daemon.stop();
  }
});

/** Local addresses of TCP sockets in LISTEN state owned by `pid` (from /proc/net/tcp{,6}). */
function listeningAddresses(pid: number): string[] {
  const inodes = new Set<string>();
  for (const entry of Deno.readDirSync(`/proc/${pid}/fd`)) {
    try {
      const target = Deno.readLinkSync(`/proc/${pid}/fd/${entry.name}`);
      const m = target.match(/^socket:\[(\d+)\]$/);
      if (m?.[1]) inodes.add(m[1]);
    } catch (_e) {
      // fd closed between listing and reading
    }
  }
  const out: string[] = [];
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    for (const line of Deno.readTextFileSync(table).split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10 || cols[3] !== "0A" || !inodes.has(cols[9] ?? "")) continue;
      const [hex, port] = (cols[1] ?? ":").split(":");
      out.push(`${decodeAddress(hex ?? "")}:${parseInt(port ?? "0", 16)}`);
    }
  }
  return out;
}

function decodeAddress(hex: string): string {
  if (hex.length === 8) {
    const n = parseInt(hex, 16);
    return [n & 255, (n >> 8) & 255, (n >> 16) & 255, (n >>> 24) & 255].join(".");
  }
  if (hex === "00000000000000000000000001000000") return "[::1]";
  if (/^0+$/.test(hex)) return "[::]";
  return `[${hex}]`;
}

Deno.test("S2: the web page listens on loopback only (explicit port 0 and the default)", async () => {
  for (const http of ["  http: { host: 127.0.0.1, port: 0 }\n", ""]) {
    const daemon = await startDaemon(
      http ? `taskmaster:\n${http}programs: {}\n` : "programs: {}\n",
    );
    try {
      const addresses = await waitFor(() => {
        const list = listeningAddresses(daemon.child.pid);
        return list.length > 0 || daemon.lines.some((l) => /http-error/.test(l)) ? list : null;
      }, { what: "web listener or http-error" });
      console.log(
        `S2: ${http.trim() || "default http"} → listening on ${
          addresses.join(", ") || "(none: " + daemon.lines.find((l) => /http-error/.test(l)) + ")"
        }`,
      );
      for (const address of addresses) {
        assert.match(address, /^(127\.0\.0\.1|\[::1\]):\d+$/, `listening on ${address}`);
      }
    } finally {
      await daemon.stop();
    }
  }
});

Deno.test("S3: a non-loopback bind without a token refuses to start (exit 1, clear error)", async () => {
  const { dir, configPath } = await writeTempConfig(
    `taskmaster:\n  http: { host: 0.0.0.0, port: 0 }\nprograms: {}\n`,
  );
  try {
    const started = performance.now();
    const result = await runDaemonCommand(["-c", configPath], dir);
    console.log(
      `S3: exit ${result.code} after ${(performance.now() - started).toFixed(0)} ms: ` +
        result.stderr.trim().split("\n")[0],
    );
    assert.equal(result.code, 1);
    assert.match(result.stderr, /http/);
    assert.match(result.stderr, /token/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("S7/S8: uid/gid/groups dropped completely; umask octal per child; cwd = workingdir", async () => {
  const work = await Deno.makeTempDir({ prefix: "tm-s8-" });
  await Deno.chmod(work, 0o777);
  const programs: string[] = [];
  const umasks: [string, string, number][] = [["u022", "022", 0o022], ["u077", '"077"', 0o077], [
    "u77",
    "77",
    0o077,
  ]];
  for (const [name, value] of umasks) {
    await Deno.mkdir(`${work}/${name}`, { mode: 0o777 });
    await Deno.chmod(`${work}/${name}`, 0o777);
    programs.push(
      `  ${name}:\n    cmd: ["/bin/sh", "-c", "touch f; mkdir d; exec sleep 1000"]\n` +
        `    umask: ${value}\n    workingdir: ${work}/${name}\n    uid: nobody\n    starttime: 0\n`,
    );
  }
  const daemon = await startDaemon(daemonConfig(programs.join("")));
  try {
    const figures: string[] = [];
    for (const [name, , umask] of umasks) {
      const p = await waitState(daemon, name, ["RUNNING"]);
      const pid = p.pid ?? 0;
      await waitFor(() => Deno.stat(`${work}/${name}/d`).then(() => true, () => false), {
        what: `${name} created its files`,
      });
      const status = procStatus(pid);
      const fileMode = ((await Deno.stat(`${work}/${name}/f`)).mode ?? 0) & 0o777;
      const dirMode = ((await Deno.stat(`${work}/${name}/d`)).mode ?? 0) & 0o777;
      const cwd = await Deno.readLink(`/proc/${pid}/cwd`);
      figures.push(
        `${name}: Uid ${status.get("Uid")} Gid ${status.get("Gid")} Groups [${
          status.get("Groups")
        }] ` +
          `CapEff ${status.get("CapEff")} file ${fileMode.toString(8)} dir ${dirMode.toString(8)}`,
      );
      assert.equal(status.get("Uid"), "65534\t65534\t65534\t65534");
      assert.equal(status.get("Gid"), "65534\t65534\t65534\t65534", "gid not dropped");
      assert.equal(status.get("Groups"), "", "supplementary groups kept");
      assert.equal(status.get("CapEff"), "0000000000000000");
      assert.equal(fileMode, 0o666 & ~umask, `${name}: file mode ${fileMode.toString(8)}`);
      assert.equal(dirMode, 0o777 & ~umask, `${name}: dir mode ${dirMode.toString(8)}`);
      assert.equal(cwd, `${work}/${name}`);
    }
    console.log(`S7/S8: ${figures.join("; ")}`);
    // The daemon's own umask is untouched by the per-child ones.
    const daemonUmask = procStatus(daemon.child.pid).get("Umask");
    assert.notEqual(daemonUmask, "0077", "daemon umask changed");
  } finally {
    await daemon.stop();
    await Deno.remove(work, { recursive: true });
  }
});

Deno.test("S9: secret-source variables never reach children; program env never reaches outputs", async () => {
  const token = `tok-${crypto.randomUUID()}`;
  const password = `pw-${crypto.randomUUID()}`;
  const canary = `canary-${crypto.randomUUID()}`;
  Deno.env.set("TM_S9_TOKEN", token);
  Deno.env.set("TM_S9_SMTP", password);
  Deno.env.set("TM_S9_INHERITED", "yes");
  let daemon;
  try {
    daemon = await startDaemon(
      `taskmaster:\n  http: { host: 127.0.0.1, port: 0, token: { env: TM_S9_TOKEN } }\n` +
        `  smtp: { host: 127.0.0.1, port: 1, password: { env: TM_S9_SMTP } }\n` +
        `programs:\n  p:\n    cmd: /bin/sleep 1000\n    starttime: 0\n` +
        `    env: { SECRET_CANARY: "${canary}" }\n`,
    );
  } finally {
    Deno.env.delete("TM_S9_TOKEN");
    Deno.env.delete("TM_S9_SMTP");
    Deno.env.delete("TM_S9_INHERITED");
  }
  try {
    const p = await waitState(daemon, "p", ["RUNNING"]);
    await waitExeced(p.pid!);
    const environ = (await Deno.readTextFile(`/proc/${p.pid}/environ`)).split("\0");
    const outputs = JSON.stringify([
      await daemon.call("status", {}),
      await daemon.call("info", {}),
      await daemon.call("log", {}),
      daemon.lines,
    ]);
    console.log(
      `S9: child env has ${environ.length} vars; TM_S9_TOKEN ${
        environ.some((e) => e.startsWith("TM_S9_TOKEN=")) ? "PRESENT" : "absent"
      }, TM_S9_SMTP ${environ.some((e) => e.startsWith("TM_S9_SMTP=")) ? "PRESENT" : "absent"}; ` +
        `canary in status/info/log/stderr: ${outputs.includes(canary)}`,
    );
    assert(environ.includes("TM_S9_INHERITED=yes"), "ordinary daemon env not inherited");
    assert(environ.includes(`SECRET_CANARY=${canary}`), "program env missing");
    assert(!environ.some((e) => e.includes(token)), "http token leaked into the child");
    assert(!environ.some((e) => e.includes(password)), "smtp password leaked into the child");
    assert(!outputs.includes(canary), "program env canary visible in daemon outputs");
    assert(!outputs.includes(token) && !outputs.includes(password), "secret in daemon outputs");
  } finally {
    await daemon.stop();
  }
});
