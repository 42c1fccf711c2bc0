/**
 * Runs a real `taskmasterd` (main.ts) on a config in a temp dir for end-to-end tests: calls the
 * control API over its unix socket, waits on event-log lines (the foreground daemon mirrors them
 * on stderr), and cleans up the daemon and every child pid it ever reported. The daemon can run
 * behind a wrapper command (`prlimit …`, `unshare -m sh -c …`) or with extra environment
 * (libfaketime), for the rows the plain start cannot express (F11, F17, L7).
 */
import { killTree, pidAlive, waitFor } from "./wait_for.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

/** Absolute path of the repository's main.ts. */
export const MAIN_TS = `${ROOT}main.ts`;
/** Absolute path of the controller entry. */
export const CTL_TS = `${ROOT}ctl/main.ts`;
/** Absolute path of the shared fixture programs. */
export const FIXTURES_BIN = `${ROOT}tests/fixtures/bin`;

/** A running daemon under test. */
export interface DaemonHandle {
  dir: string;
  configPath: string;
  socket: string;
  child: Deno.ChildProcess;
  /** Pid of the spawned process: the daemon's own, as a wrapper must `exec` it. */
  pid: number;
  /** Every event-log line the daemon printed so far. */
  lines: string[];
  /** Calls a control command; resolves with the decoded envelope. */
  call(
    command: string,
    body?: unknown,
  ): Promise<{ ok: boolean; result?: unknown; error?: { code: string; message: string } }>;
  /** Waits for an event-log line matching `pattern` (after `fromLine`); returns it. */
  waitLine(pattern: RegExp, options?: { timeoutMs?: number; fromLine?: number }): Promise<string>;
  /** Writes a new config file text. */
  writeConfig(text: string): Promise<void>;
  /** Resolves with the exit status when the daemon exits. */
  status: Promise<Deno.CommandStatus>;
  /**
   * SIGTERM, wait, SIGKILL if needed, then kill every child group ever seen, and remove the
   * folder unless `keepDir` (a test that starts the next daemon on the same folder).
   */
  stop(options?: { keepDir?: boolean }): Promise<void>;
}

/** Makes a temp dir and writes `taskmaster.yaml` there with `text`. */
export async function writeTempConfig(text: string): Promise<{ dir: string; configPath: string }> {
  const dir = await Deno.makeTempDir({ prefix: "tm-e2e-" });
  const configPath = `${dir}/taskmaster.yaml`;
  await Deno.writeTextFile(configPath, text);
  return { dir, configPath };
}

/** Starts `taskmasterd -c DIR/taskmaster.yaml` and waits until its socket answers. */
export async function startDaemon(
  configText: string,
  options: {
    dir?: string;
    socketName?: string;
    waitReady?: boolean;
    /** Deno permission flags for the daemon (default `-A`). */
    flags?: string[];
    /** Mode of the config file (default: as created under the test's umask). */
    configMode?: number;
    /** Gets the daemon argv and returns the full argv to run; the wrapper must `exec` it. */
    wrap?: (daemonArgv: string[]) => string[];
    /** Extra environment of the daemon (added to the test's own). */
    env?: Record<string, string>;
    /** How long to wait for the socket to answer (default 15 s). */
    readyTimeoutMs?: number;
  } = {},
): Promise<DaemonHandle> {
  let dir = options.dir;
  let configPath: string;
  if (dir === undefined) {
    ({ dir, configPath } = await writeTempConfig(configText));
  } else {
    configPath = `${dir}/taskmaster.yaml`;
    await Deno.writeTextFile(configPath, configText);
  }
  if (options.configMode !== undefined) await Deno.chmod(configPath, options.configMode);
  const socket = `${dir}/${options.socketName ?? "taskmasterd.sock"}`;
  const daemonArgv = [
    Deno.execPath(),
    "run",
    ...(options.flags ?? ["-A"]),
    MAIN_TS,
    "-c",
    configPath,
  ];
  const argv = options.wrap ? options.wrap(daemonArgv) : daemonArgv;
  const child = new Deno.Command(argv[0]!, {
    args: argv.slice(1),
    cwd: dir,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    ...(options.env ? { env: options.env } : {}),
  }).spawn();
  const lines: string[] = [];
  const seenPids = new Set<number>();
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
        if (pid) seenPids.add(Number(pid[1]));
      }
    }
    if (buffered) lines.push(buffered);
  };
  const pumps = Promise.all([pump(child.stdout), pump(child.stderr)]);
  const status = child.status.then(async (s) => {
    await pumps;
    return s;
  });
  let exited = false;
  void status.then(() => (exited = true));
  const client = Deno.createHttpClient({ proxy: { transport: "unix", path: socket } });

  const call: DaemonHandle["call"] = async (command, body = {}) => {
    const response = await fetch(`http://localhost/v1/${command}`, {
      method: "POST",
      body: JSON.stringify(body),
      headers: { "content-type": "application/json" },
      client,
    });
    const envelope = await response.json();
    if (command === "status" && envelope.ok && Array.isArray(envelope.result)) {
      for (const p of envelope.result) if (typeof p.pid === "number") seenPids.add(p.pid);
    }
    return envelope;
  };

  const handle: DaemonHandle = {
    dir,
    configPath,
    socket,
    child,
    pid: child.pid,
    lines,
    call,
    status,
    waitLine: (pattern, opts = {}) =>
      waitFor(() => lines.slice(opts.fromLine ?? 0).find((line) => pattern.test(line)), {
        timeoutMs: opts.timeoutMs ?? 10_000,
        what: `daemon log line ${pattern}\n--- log:\n${lines.slice(-30).join("\n")}`,
      }),
    writeConfig: (text) => Deno.writeTextFile(configPath, text),
    stop: async (stopOptions = {}) => {
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
      } else {
        await status;
      }
      client.close();
      for (const pid of seenPids) if (pidAlive(pid)) killTree(pid);
      if (stopOptions.keepDir) return;
      await Deno.remove(dir, { recursive: true }).catch(() => {
        // A child we just killed may still be writing into the dir; leaving a temp dir is harmless.
      });
    },
  };
  if (options.waitReady ?? true) {
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
  }
  return handle;
}

/** True when something answers HTTP on the unix socket. */
export async function pingSocket(path: string): Promise<boolean> {
  let client: Deno.HttpClient | null = null;
  try {
    client = Deno.createHttpClient({ proxy: { transport: "unix", path } });
    const response = await fetch("http://localhost/v1/version", {
      method: "POST",
      body: "{}",
      client,
    });
    await response.body?.cancel();
    return true;
  } catch {
    return false;
  } finally {
    client?.close();
  }
}

/** Runs `deno run -A main.ts ARGS` to completion; returns code and output. */
export async function runDaemonCommand(
  args: string[],
  cwd?: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN_TS, ...args],
    stdin: "null",
    ...(cwd ? { cwd } : {}),
  }).output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

/** The permission flags of `deno task daemon` as written in deno.json. */
export async function daemonTaskFlags(): Promise<string[]> {
  const denoJson = JSON.parse(await Deno.readTextFile(`${ROOT}deno.json`));
  const task: string = denoJson.tasks.daemon;
  return task.split(/\s+/).filter((word) => word.startsWith("--allow-") || word === "-A");
}
