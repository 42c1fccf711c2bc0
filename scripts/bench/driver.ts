/**
 * The contract every benchmarked tool implements (Taskmaster, supervisord, PM2, the bare loop),
 * plus the helpers drivers share for running a command line with a deadline.
 */
import { descendants, killGroupAndPid, track, untrack } from "./proc.ts";

/** Names of the tools in a run, in the order they alternate. */
export type Tool = "taskmaster" | "supervisord" | "pm2" | "bare";

/** One program as every tool must run it (start grace 0, fastest restart). */
export interface ProgramSpec {
  /** Program name, `[a-z0-9]+`. */
  name: string;
  /** argv; argv[0] absolute. */
  cmd: string[];
  numprocs: number;
  /** Restart on any exit, immediately. */
  autorestart: boolean;
  /** Seconds between SIGTERM and SIGKILL on stop. */
  stoptime: number;
  /** File that receives the child's stdout, or null to discard it. */
  stdout: string | null;
  /**
   * A tcp health check per process against 127.0.0.1:`port` every `period` seconds. Only
   * Taskmaster and the bare loop have checks; the peers' drivers refuse such a spec.
   */
  health?: { port: number; period: number };
}

/** A running instance of one tool, created fresh for each scenario run. */
export interface Driver {
  readonly tool: Tool;
  /** Writes the tool's config for `programs` into `dir` and starts its daemon (nothing autostarts). */
  launch(dir: string, programs: ProgramSpec[]): Promise<void>;
  /** Starts every program the way a user would (the tool's CLI); resolves when the CLI returns. */
  startAll(): Promise<void>;
  /** Pids of the processes the tool reports RUNNING/online, read through its own status API. */
  runningPids(): Promise<number[]>;
  /** The pid whose memory and CPU count as "the daemon". */
  daemonPid(): number;
  /** One `status` round trip through the tool's CLI, as a user would type it. */
  statusCli(): Promise<void>;
  /** `stop all` through the CLI; resolves when the CLI returns. */
  stopAll(): Promise<void>;
  /**
   * Cold-CLI variants only this tool has (metric name → one CLI call from a fresh process), each
   * timed like `statusCli` and reported as its own row.
   */
  coldCli?(): Record<string, () => Promise<void>>;
  /** How many processes the tool reports healthy (tools with health checks only). */
  healthyCount?(): Promise<number>;
  /** Shuts the daemon down and kills anything left of its tree. Never throws. */
  close(): Promise<void>;
}

/** Throws for a spec a tool without health checks cannot run (docs/benchmarks.md "Notes"). */
export function refuseHealth(tool: Tool, programs: ProgramSpec[]): void {
  if (programs.some((p) => p.health)) throw new Error(`${tool} has no health checks`);
}

/** Result of a finished command. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command to completion in its own process group, killing the group after `timeoutMs`.
 * Throws when it times out, or when `check` is true and the exit code is not 0.
 */
export async function run(
  argv: string[],
  options: { env?: Record<string, string>; timeoutMs?: number; check?: boolean; cwd?: string } = {},
): Promise<RunResult> {
  const [program, ...args] = argv;
  if (program === undefined) throw new Error("empty command");
  const child = new Deno.Command(program, {
    args,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    detached: true,
    ...(options.env ? { env: options.env } : {}),
    ...(options.cwd ? { cwd: options.cwd } : {}),
  }).spawn();
  track(child.pid);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroupAndPid(child.pid);
  }, options.timeoutMs ?? 60_000);
  try {
    const out = await child.output();
    const result = {
      code: out.code,
      stdout: new TextDecoder().decode(out.stdout),
      stderr: new TextDecoder().decode(out.stderr),
    };
    if (timedOut) throw new Error(`${argv.join(" ")}: timed out`);
    if (options.check && result.code !== 0) {
      throw new Error(`${argv.join(" ")}: exit ${result.code}: ${result.stderr.slice(0, 500)}`);
    }
    return result;
  } finally {
    clearTimeout(timer);
    untrack(child.pid);
  }
}

/**
 * Starts a long-running process (a daemon) in its own process group with output to `logFile`,
 * tracked for cleanup. The caller owns the returned handle.
 */
export function spawnDaemon(
  argv: string[],
  logFile: string,
  env?: Record<string, string>,
): Deno.ChildProcess {
  const [program, ...args] = argv;
  if (program === undefined) throw new Error("empty command");
  const log = Deno.openSync(logFile, { write: true, create: true, append: true });
  try {
    const child = new Deno.Command(program, {
      args,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      detached: true,
      ...(env ? { env } : {}),
    }).spawn();
    track(child.pid);
    // Copy output to the log file; a daemon that floods it must never block on a full pipe.
    const sink = log.writable;
    const merged = mergeStreams(child.stdout, child.stderr);
    merged.pipeTo(sink).catch((error) => console.error(`daemon log ${logFile}: ${error}`));
    return child;
  } catch (error) {
    log.close();
    throw error;
  }
}

function mergeStreams(
  a: ReadableStream<Uint8Array>,
  b: ReadableStream<Uint8Array>,
): ReadableStream<Uint8Array> {
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const writer = writable.getWriter();
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) await writer.write(chunk);
  };
  Promise.all([pump(a), pump(b)]).then(
    () => writer.close(),
    (error) => writer.abort(error),
  );
  return readable;
}

/**
 * Ends a daemon: runs `graceful` (a signal or a CLI command), waits up to `graceMs` for the
 * daemon to exit, then SIGKILLs whatever is left of it and of its descendants. Never throws.
 */
export async function closeDaemon(
  child: Deno.ChildProcess,
  graceful: () => Promise<void>,
  graceMs = 10_000,
): Promise<void> {
  const leftovers = new Set<number>(safeDescendants(child.pid));
  try {
    await graceful();
  } catch (error) {
    console.error(`graceful stop of pid ${child.pid} failed: ${error}`);
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const exited = await Promise.race([
    child.status.then(() => true),
    new Promise<boolean>((resolve) => timer = setTimeout(() => resolve(false), graceMs)),
  ]);
  clearTimeout(timer);
  if (!exited) console.error(`daemon ${child.pid} did not exit in ${graceMs} ms; killing it`);
  killGroupAndPid(child.pid);
  for (const pid of leftovers) killGroupAndPid(pid);
  await child.status;
  untrack(child.pid);
}

function safeDescendants(pid: number): number[] {
  try {
    return descendants(pid);
  } catch (error) {
    console.error(`listing children of ${pid}: ${error}`);
    return [];
  }
}
