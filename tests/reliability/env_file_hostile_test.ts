/**
 * W3 (docs/reliability.md): hostile env files. Each of a FIFO, a directory, a symlink loop, a
 * 2 MiB file, a NUL byte, invalid UTF-8, 10,000 bad lines and a group-writable file must make a
 * real `taskmasterd` refuse its config (exit 1, an error naming the file, and the line where there
 * is one) with nothing started, and the loader must never block. Correctness is asserted; the
 * load time is printed against the < 1 s target (machine-speed timing is not asserted).
 */
import assert from "node:assert/strict";
import { loadConfig } from "../../src/config/load.ts";
import { MAIN_TS } from "../helpers/daemon_harness.ts";

/** A hazard: how to stage `DIR/h.env`, and what the error must say. */
interface Hazard {
  readonly name: string;
  stage(path: string): void;
  readonly message: RegExp;
}

function write(path: string, data: string | Uint8Array, mode = 0o600): void {
  if (typeof data === "string") Deno.writeTextFileSync(path, data);
  else Deno.writeFileSync(path, data);
  Deno.chmodSync(path, mode);
}

const HAZARDS: readonly Hazard[] = [
  {
    name: "FIFO",
    stage: (path) => {
      assert(new Deno.Command("mkfifo", { args: [path] }).outputSync().success, "mkfifo");
    },
    message: /h\.env: is a FIFO/,
  },
  { name: "directory", stage: (path) => Deno.mkdirSync(path), message: /h\.env: is a directory/ },
  {
    name: "symlink loop",
    stage: (path) => {
      Deno.symlinkSync(`${path}.b`, path);
      Deno.symlinkSync(path, `${path}.b`);
    },
    message: /h\.env: symlink loop/,
  },
  {
    name: "2 MiB file",
    stage: (path) => write(path, `A=${"x".repeat(2 * 1024 * 1024)}\n`),
    message: /h\.env: larger than 1 MiB/,
  },
  { name: "NUL byte", stage: (path) => write(path, "A=1\nB=x\0y\n"), message: /h\.env:2: NUL/ },
  {
    name: "invalid UTF-8",
    stage: (path) => write(path, new Uint8Array([0x41, 0x3d, 0xc3, 0x28, 0x0a])),
    message: /h\.env: not valid UTF-8/,
  },
  {
    name: "10,000 bad lines",
    stage: (path) => write(path, Array.from({ length: 10_000 }, (_, i) => `bad-${i}=x`).join("\n")),
    message: /h\.env:1: invalid variable name "bad-0"/,
  },
  {
    name: "group-writable",
    stage: (path) => write(path, "LD_PRELOAD=/tmp/evil.so\n", 0o660),
    message: /h\.env: is writable by group or others/,
  },
];

function configText(dir: string): string {
  const marker = (name: string) =>
    `    cmd: ["/bin/sh", "-c", "echo $$ >> ${dir}/started; exec sleep 1000"]\n` +
    `    starttime: 0\n    env_file: ${name}\n`;
  return `taskmaster:\n  http: false\n  socket: ${dir}/tm.sock\nprograms:\n` +
    `  innocent:\n${marker("ok.env")}  victim:\n${marker("h.env")}`;
}

/** Runs the real daemon on the config; kills it by pid if it has not exited by the deadline. */
async function runDaemon(configPath: string): Promise<{ code: number; stderr: string }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN_TS, "-c", configPath],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<null>((resolve) => timer = setTimeout(() => resolve(null), 60_000));
  const done = child.output();
  const first = await Promise.race([done, deadline]);
  clearTimeout(timer);
  if (first === null) {
    child.kill("SIGKILL");
    await done;
    throw new Error("taskmasterd did not exit within 60 s: the loader blocked or it started");
  }
  return { code: first.code, stderr: new TextDecoder().decode(first.stderr) };
}

/** Kills any child a failed run may have started (pids the marker program wrote). */
function killStarted(dir: string): number[] {
  let pids: number[] = [];
  try {
    pids = Deno.readTextFileSync(`${dir}/started`).split("\n").filter(Boolean).map(Number);
  } catch (_e) {
    return [];
  }
  for (const pid of pids) {
    try {
      Deno.kill(pid, "SIGKILL");
    } catch (_e) {
      // already gone
    }
  }
  return pids;
}

Deno.test("W3: hostile env files are config errors naming the file; the loader never blocks; nothing starts", async () => {
  const figures: string[] = [];
  let slowest = 0;
  for (const hazard of HAZARDS) {
    const dir = await Deno.makeTempDir({ prefix: "tm-w3-" });
    try {
      write(`${dir}/ok.env`, "A=1\n");
      hazard.stage(`${dir}/h.env`);
      write(`${dir}/cfg.yaml`, configText(dir));
      const run = await runDaemon(`${dir}/cfg.yaml`);
      const started = killStarted(dir);
      assert.deepEqual(started, [], `${hazard.name}: programs were started`);
      assert.equal(run.code, 1, `${hazard.name}: exit ${run.code}\n${run.stderr}`);
      assert.match(run.stderr, /cfg\.yaml:\d+:\d+: programs\.victim\.env_file\[0\]: /);
      assert.match(run.stderr, hazard.message, `${hazard.name}:\n${run.stderr.slice(0, 2000)}`);
      // The daemon run proved the loader returns; now time it in-process.
      const t0 = performance.now();
      const loaded = await loadConfig(`${dir}/cfg.yaml`);
      const ms = performance.now() - t0;
      assert(!loaded.ok);
      assert(loaded.errors.some((e) => hazard.message.test(e.text)), hazard.name);
      slowest = Math.max(slowest, ms);
      figures.push(`${hazard.name} ${ms.toFixed(1)}ms`);
    } finally {
      killStarted(dir);
      await Deno.remove(dir, { recursive: true });
    }
  }
  const verdict = slowest < 1000 ? "met" : "MISSED";
  console.log(
    `W3: ${HAZARDS.length}/${HAZARDS.length} hostile env files refused, nothing started; ` +
      `load time ${figures.join(", ")}; slowest ${
        slowest.toFixed(1)
      } ms (target < 1 s): ${verdict}`,
  );
});
