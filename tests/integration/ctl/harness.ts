/**
 * Controller test harness: a fake daemon (real control handler + FakeSupervisor on a real unix
 * socket, in its own process) and a runner for taskmasterctl as a subprocess.
 */
import { waitFor } from "../../helpers/wait_for.ts";

const ROOT = new URL("../../../", import.meta.url).pathname;
/** Path of the controller entry. */
export const CTL = `${ROOT}ctl/main.ts`;
const FAKE_DAEMON = `${ROOT}tests/fixtures/ctl/fake_daemon.ts`;
/** Path of the pty driver. */
export const PTY_DRIVE = `${ROOT}tests/fixtures/ctl/pty_drive.py`;

/** A running fake daemon. */
export interface FakeDaemon {
  dir: string;
  socket: string;
  pid: number;
  /** Sends a control line to the fake (e.g. `OUT web:0 stdout hello`). */
  send(line: string): Promise<void>;
  /** Resolves with the daemon's exit code once it exited. */
  exited: Promise<number>;
  /** Stops the daemon (if still running) and removes its folder. */
  stop(): Promise<void>;
}

/** Starts the fake daemon in a fresh temp folder and waits for its socket to answer. */
export async function startFakeDaemon(actionDelayMs = 0): Promise<FakeDaemon> {
  const dir = await Deno.makeTempDir({ prefix: "tm-ctl-" });
  const socket = `${dir}/taskmasterd.sock`;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", FAKE_DAEMON, socket, String(actionDelayMs)],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const writer = child.stdin.getWriter();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let out = "";
  while (!out.includes("ready")) {
    const step = await reader.read();
    if (step.done) throw new Error(`fake daemon died: ${out}`);
    out += step.value;
  }
  // Keep draining stdout so the child never blocks on a full pipe.
  const drained = (async () => {
    while (!(await reader.read()).done) { /* discard */ }
  })();
  const exited = child.status.then(async (s) => {
    await drained;
    return s.code;
  });
  let writerClosed = false;
  return {
    dir,
    socket,
    pid: child.pid,
    async send(line) {
      await writer.write(new TextEncoder().encode(line + "\n"));
    },
    exited,
    async stop() {
      if (!writerClosed) {
        writerClosed = true;
        await writer.close().catch(() => {/* the daemon already exited (shutdown test) */});
      }
      const timer = setTimeout(() => {
        try {
          Deno.kill(child.pid, "SIGKILL");
        } catch (_e) {
          // Already gone.
        }
      }, 5000);
      await exited;
      clearTimeout(timer);
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/** Outcome of one controller run. */
export interface CtlRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs taskmasterctl with `args`; `stdin` text is piped in (else stdin is null). */
export async function ctl(
  args: string[],
  options: { stdin?: string; env?: Record<string, string>; cwd?: string } = {},
): Promise<CtlRun> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CTL, ...args],
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "", ...(options.env ?? {}) },
    ...(options.cwd ? { cwd: options.cwd } : {}),
  }).spawn();
  if (options.stdin !== undefined) {
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode(options.stdin));
    await w.close();
  }
  const out = await child.output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

export { waitFor };
