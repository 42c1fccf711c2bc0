/**
 * Starts a real `taskmasterd` behind a wrapper command (`prlimit …`, `unshare -m sh -c …`) or with
 * extra environment (libfaketime), for the rows the plain harness cannot express (F11, F17, L7).
 * The wrapper must `exec` the daemon so the spawned pid is the daemon's pid. The handle offers the
 * same calls as `tests/helpers/daemon_harness.ts` and cleans up by pid.
 */
import { MAIN_TS, pingSocket } from "../../helpers/daemon_harness.ts";
import { killTree, pidAlive, waitFor } from "../../helpers/wait_for.ts";

/** A daemon started through a wrapper. */
export interface WrappedDaemon {
  dir: string;
  configPath: string;
  socket: string;
  pid: number;
  lines: string[];
  call(command: string, body?: unknown): Promise<
    { ok: boolean; result?: unknown; error?: { code: string; message: string } }
  >;
  waitLine(pattern: RegExp, options?: { timeoutMs?: number; fromLine?: number }): Promise<string>;
  status: Promise<Deno.CommandStatus>;
  /** SIGTERM (SIGKILL after 15 s), then SIGKILL to every child group ever seen; removes `dir`. */
  stop(): Promise<void>;
}

/** Options: `wrap` gets the daemon argv and returns the full argv to run. */
export interface WrapOptions {
  wrap?: (daemonArgv: string[]) => string[];
  env?: Record<string, string>;
  /** How long to wait for the socket to answer (default 15 s). */
  readyTimeoutMs?: number;
}

/** Writes `configText` to a fresh temp dir and starts the wrapped daemon on it. */
export async function startWrapped(
  configText: string,
  options: WrapOptions & { dir?: string } = {},
): Promise<WrappedDaemon> {
  const dir = options.dir ?? await Deno.makeTempDir({ prefix: "tm-rel-" });
  const configPath = `${dir}/taskmaster.yaml`;
  await Deno.writeTextFile(configPath, configText);
  const socket = `${dir}/taskmasterd.sock`;
  const daemonArgv = [Deno.execPath(), "run", "-A", MAIN_TS, "-c", configPath];
  const argv = options.wrap ? options.wrap(daemonArgv) : daemonArgv;
  const child = new Deno.Command(argv[0] as string, {
    args: argv.slice(1),
    cwd: dir,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    ...(options.env ? { env: options.env } : {}),
  }).spawn();
  const lines: string[] = [];
  const seen = new Set<number>();
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    let buffered = "";
    for await (const chunk of stream) {
      buffered += decoder.decode(chunk, { stream: true });
      const parts = buffered.split("\n");
      buffered = parts.pop() ?? "";
      for (const line of parts) {
        lines.push(line);
        const pid = line.match(/ spawned .*pid=(\d+)/);
        if (pid) seen.add(Number(pid[1]));
      }
    }
    if (buffered) lines.push(buffered);
  };
  const pumps = Promise.all([pump(child.stdout), pump(child.stderr)]);
  let exited = false;
  const status = child.status.then(async (s) => {
    exited = true;
    await pumps;
    return s;
  });
  const client = Deno.createHttpClient({ proxy: { transport: "unix", path: socket } });
  const call: WrappedDaemon["call"] = async (command, body = {}) => {
    const response = await fetch(`http://localhost/v1/${command}`, {
      method: "POST",
      body: JSON.stringify(body),
      headers: { "content-type": "application/json" },
      client,
    });
    return await response.json();
  };
  const handle: WrappedDaemon = {
    dir,
    configPath,
    socket,
    pid: child.pid,
    lines,
    call,
    status,
    waitLine: (pattern, opts = {}) =>
      waitFor(() => lines.slice(opts.fromLine ?? 0).find((line) => pattern.test(line)), {
        timeoutMs: opts.timeoutMs ?? 10_000,
        what: `daemon log line ${pattern}\n--- log:\n${lines.slice(-30).join("\n")}`,
      }),
    stop: async () => {
      if (!exited) {
        try {
          child.kill("SIGTERM");
        } catch (error) {
          if (!(error instanceof TypeError)) throw error; // already exited
        }
        const timer = setTimeout(() => {
          if (!exited) child.kill("SIGKILL");
        }, 15_000);
        await status;
        clearTimeout(timer);
      }
      await status;
      client.close();
      for (const pid of seen) if (pidAlive(pid)) killTree(pid);
      await Deno.remove(dir, { recursive: true }).catch((error) => {
        // A child killed a moment ago may still hold a file; a left temp dir is harmless.
        console.error(`cleanup ${dir}: ${error}`);
      });
    },
  };
  try {
    await waitFor(async () => exited ? "exited" : await pingSocket(socket), {
      timeoutMs: options.readyTimeoutMs ?? 15_000,
      what: `daemon socket ${socket}`,
    });
    if (exited) throw new Error(`daemon exited early:\n${lines.join("\n")}`);
  } catch (error) {
    await handle.stop();
    throw error;
  }
  return handle;
}
