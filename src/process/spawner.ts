/**
 * Starting children and signalling their process groups (through kill_group.ts): the only module
 * that spawns children. Every child runs in its own session (so a child's `kill 0`
 * never reaches the daemon), with stdin piped and held by the daemon.
 */
import { procReadable, readAllProcStats } from "./proc_fs.ts";
import { isDeadState, parseProcStat } from "./proc_stat.ts";
import { killGroup } from "./kill_group.ts";
import process from "node:process";
import type { ProgramSpec } from "../config/types.ts";
import type { StdioMode } from "../logs/types.ts";
import type { SignalName } from "../config/types.ts";

/** Everything needed to start one child. */
export interface SpawnRequest {
  readonly spec: ProgramSpec;
  readonly processName: string;
  readonly index: number;
  readonly stdout: StdioMode;
  readonly stderr: StdioMode;
  /** Daemon environment names that must not reach children (secret sources). */
  readonly secretEnv: readonly string[];
}

/** How a child ended: an exit status, or the signal that killed it (code null). */
export interface ChildExit {
  readonly code: number | null;
  readonly signal: string | null;
}

/** A started child. */
export interface ChildHandle {
  readonly pid: number;
  readonly stdin: WritableStream<Uint8Array> | null;
  readonly stdout: ReadableStream<Uint8Array> | null;
  readonly stderr: ReadableStream<Uint8Array> | null;
  /** Settles once the child was reaped. Never rejects. */
  readonly exited: Promise<ChildExit>;
}

/** Spawning and group signalling, behind an interface so tests can fake it. */
export interface Spawner {
  /** Starts a child or throws {@link SpawnError} with the OS error text. Synchronous. */
  spawn(request: SpawnRequest): ChildHandle;
  /** Sends `signal` to the process group `pid` leads; false when the group is gone. */
  signalGroup(pid: number, signal: Deno.Signal): boolean;
  /** True while any process of group `pid` exists. */
  groupAlive(pid: number): boolean;
}

/** A spawn that did not happen; `message` is the OS text shown in FATAL descriptions. */
export class SpawnError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SpawnError";
  }
}

/** The real spawner (Deno.Command, detached). */
export const denoSpawner: Spawner = {
  spawn: spawnChild,
  // EPERM and the like: something is there but we cannot signal it; it counts as alive.
  signalGroup: (pid, signal) => killGroup(pid, signal) || signalUnsettled(pid, signal),
  groupAlive(pid) {
    try {
      process.kill(-pid, 0);
    } catch (error) {
      if ((error as { code?: string }).code !== "EPERM") return unsettled.has(pid);
    }
    // kill(0) also counts zombies, which a non-reaping PID 1 may keep forever: look closer.
    try {
      return groupHasLiveMember(pid);
    } catch {
      // /proc could not be read: trust kill(0) (callers wait at most stoptime, then SIGKILL).
      return true;
    }
  },
};

/**
 * The environment of a child per docs/lifecycle.md "Environment of children". `spec.env` already
 * holds the `env_file` variables with `env` over them (resolved at load), so applying it after
 * the identity's HOME/USER/LOGNAME lets both override those.
 */
export function childEnv(
  request: SpawnRequest,
  base: Record<string, string>,
): Record<string, string> {
  const env: Record<string, string> = Object.create(null);
  const secrets = new Set(request.secretEnv);
  // Sorted: `Deno.env.toObject()` lists the variables in a different order on every call, and
  // each order gave each program's env its own chain of ~40 V8 hidden classes (2.6 MB for 500
  // programs, measured; docs/performance.md "Memory per logged child"). One order means one shared chain.
  for (const key of Object.keys(base).sort()) {
    if (!secrets.has(key)) env[key] = base[key]!;
  }
  const identity = request.spec.identity;
  if (identity !== null) {
    env.HOME = identity.home;
    env.USER = identity.user;
    env.LOGNAME = identity.user;
  }
  for (const [key, value] of Object.entries(request.spec.env)) env[key] = value;
  env.TASKMASTER_PROGRAM = request.spec.name;
  env.TASKMASTER_PROCESS_NAME = request.processName;
  env.TASKMASTER_PROCESS_NUM = String(request.index);
  return { ...env };
}

/**
 * Finds the executable: a path is checked as is; a bare name is looked up in the child's PATH.
 * Throws SpawnError with the OS text when missing or not executable.
 */
export function resolveCommand(command: string, path: string | undefined): string {
  if (command.includes("/")) {
    const problem = executableProblem(command);
    if (problem !== null) throw new SpawnError(problem);
    return command;
  }
  // Every PATH entry that lacks the command costs a thrown NotFound of ~3 KB: a 500-process
  // burst on a 10-entry PATH made 23 MB of garbage that grew V8's young generation for good
  // (measured). A found path is reused (after one stat, which does not throw) for
  // RESOLVE_REUSE_MS, so a binary newly installed earlier in PATH is picked up a second later.
  const key = `${path ?? ""}\0${command}`;
  const now = performance.now();
  const known = resolved.get(key);
  if (known !== undefined && now - known.at < RESOLVE_REUSE_MS) {
    if (executableProblem(known.file) === null) return known.file;
  }
  for (const dir of (path ?? "/usr/local/bin:/usr/bin:/bin").split(":")) {
    const candidate = `${dir === "" ? "." : dir}/${command}`;
    if (executableProblem(candidate) === null) {
      if (resolved.size >= RESOLVE_CACHE_MAX) resolved.clear();
      resolved.set(key, { file: candidate, at: now });
      return candidate;
    }
  }
  resolved.delete(key);
  throw new SpawnError(`command not found in PATH: ${command}`);
}

/** How long a PATH lookup result is reused, in ms (see {@link resolveCommand}). */
const RESOLVE_REUSE_MS = 1000;
/** Bound on remembered lookups (distinct PATH × command pairs). */
const RESOLVE_CACHE_MAX = 256;
const resolved = new Map<string, { file: string; at: number }>();

/** Why `file` cannot be executed (the OS text), or null when it can. */
function executableProblem(file: string): string | null {
  let info: Deno.FileInfo;
  try {
    info = Deno.statSync(file);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  if (!info.isFile || ((info.mode ?? 0) & 0o111) === 0) {
    return `Permission denied (os error 13): not an executable file: '${file}'`;
  }
  return null;
}

/**
 * The environment of one program's children minus the per-process variables, built once per
 * (spec, secret list) and frozen: rebuilding it from `Deno.env.toObject()` for every spawn made ~27 KB of
 * garbage per child (measured). The daemon never changes its own environment, so the copy
 * stays exact; a reload brings new spec objects and so a fresh entry.
 */
const programEnvs = new WeakMap<
  ProgramSpec,
  { secrets: readonly string[]; env: Record<string, string> }
>();

/**
 * The daemon's environment, read once per burst: starting 500 programs read it 500 times
 * (`Deno.env.toObject()`, ~1 ms each on a busy machine, measured). The copy is dropped at the
 * next microtask checkpoint, so a later spawn sees any change made in between (tests set
 * variables in-process). Each read makes fresh copies of every value, and 500 programs kept 500
 * copies of each (≈1 MB, measured; docs/performance.md "Memory per logged child"): a value equal
 * to the previous read's is replaced by that string. Equal strings, so the environment is the
 * same.
 */
let envSnapshot: Record<string, string> | null = null;
/** The previous snapshot, whose value strings a new one reuses. */
let lastEnv: Record<string, string> = {};

function daemonEnv(): Record<string, string> {
  if (envSnapshot === null) {
    const fresh = Deno.env.toObject();
    for (const key of Object.keys(fresh)) {
      const old = lastEnv[key];
      if (old !== undefined && old === fresh[key]) fresh[key] = old;
    }
    envSnapshot = lastEnv = fresh;
    queueMicrotask(() => envSnapshot = null);
  }
  return envSnapshot;
}

function programEnv(request: SpawnRequest): Record<string, string> {
  // The secret list is part of the frozen config: the same array until a reload replaces it.
  const secrets = request.secretEnv;
  const cached = programEnvs.get(request.spec);
  if (cached !== undefined && cached.secrets === secrets) return cached.env;
  const env = Object.freeze(childEnv(request, daemonEnv()));
  programEnvs.set(request.spec, { secrets, env });
  return env;
}

/**
 * Children started through setsid(1) and not reaped yet. Until setsid(1) ran, such a child is
 * still in the daemon's process group and its own group does not exist: it is then signalled by
 * pid, as the leader of the group it is about to open. An unreaped child keeps its pid, so this
 * never reaches a stranger; once its group exists (a zombie leader still holds it) the group
 * path answers first.
 */
const unsettled = new Set<number>();

function signalUnsettled(pid: number, signal: Deno.Signal): boolean {
  if (!unsettled.has(pid)) return false;
  try {
    Deno.kill(pid, signal);
    return true;
  } catch (error) {
    return !(error instanceof Deno.errors.NotFound);
  }
}

/** Where setsid(1) is, found once; null when absent (children are then forked detached). */
let setsid: string | null | undefined;

function setsidPath(): string | null {
  setsid ??= ["/usr/bin/setsid", "/bin/setsid"].find((file) => executableProblem(file) === null) ??
    null;
  return setsid;
}

function spawnChild(request: SpawnRequest): ChildHandle {
  const spec = request.spec;
  const env: Record<string, string> = {
    ...programEnv(request),
    TASKMASTER_PROCESS_NAME: request.processName,
    TASKMASTER_PROCESS_NUM: String(request.index),
  };
  const [command, ...args] = spec.argv;
  if (command === undefined) throw new SpawnError("empty command");
  const executable = resolveCommand(command, env.PATH);
  if (spec.workingdir !== null) {
    try {
      if (!Deno.statSync(spec.workingdir).isDirectory) {
        throw new SpawnError(`Not a directory (os error 20): workingdir '${spec.workingdir}'`);
      }
    } catch (error) {
      if (error instanceof SpawnError) throw error;
      throw new SpawnError(`workingdir: ${error instanceof Error ? error.message : error}`);
    }
  }
  // Deno has no per-child umask: a tiny sh wrapper sets it, then execs the real program.
  const argv = spec.umask === null ? [executable, ...args] : [
    "/bin/sh",
    "-c",
    `umask ${spec.umask.toString(8).padStart(3, "0")} && exec "$0" "$@"`,
    executable,
    ...args,
  ];
  // A new session either way (docs/lifecycle.md). `detached` makes Deno fork() the whole
  // daemon (page tables of its heap copied, then faulted back in) to run setsid() before exec;
  // without it Deno uses posix_spawn (vfork), several times cheaper on the daemon's one thread,
  // and setsid(1) opens the session as the child's first act, keeping the pid. With uid/gid set
  // Deno forks anyway, so the plain detached spawn stays.
  const setsid = spec.identity === null ? setsidPath() : null;
  const options: Deno.CommandOptions = {
    args: setsid === null ? argv.slice(1) : argv,
    env,
    clearEnv: true,
    detached: setsid === null,
    stdin: "piped",
    stdout: request.stdout,
    stderr: request.stderr,
  };
  if (spec.workingdir !== null) options.cwd = spec.workingdir;
  if (spec.identity !== null) {
    // Both ids, always: uid alone leaves the child in group 0 (measured Deno pitfall).
    options.uid = spec.identity.uid;
    options.gid = spec.identity.gid;
  }
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(setsid ?? argv[0] as string, options).spawn();
  } catch (error) {
    throw new SpawnError(error instanceof Error ? error.message : String(error));
  }
  const pid = child.pid;
  if (setsid !== null) unsettled.add(pid);
  const exited = child.status.finally(() => unsettled.delete(pid)).then(
    (status): ChildExit => ({
      code: status.signal === null ? status.code : null,
      signal: status.signal,
    }),
    (error): ChildExit => {
      console.error(`taskmasterd: waiting for pid ${child.pid}: ${String(error)}`);
      return { code: null, signal: null };
    },
  );
  return {
    pid: child.pid,
    stdin: child.stdin,
    stdout: request.stdout === "piped" ? child.stdout : null,
    stderr: request.stderr === "piped" ? child.stderr : null,
    exited,
  };
}

/** Signals that stop a process for good; SIGCONT follows them so a stopped child can die. */
export function needsContinue(signal: SignalName | Deno.Signal): boolean {
  return signal !== "SIGKILL" && signal !== "SIGCONT" && signal !== "SIGSTOP";
}

/**
 * True when /proc lists a non-zombie process whose process group is `pgid`. Without /proc
 * access (explicit `--allow-*` flags) it trusts kill(0), which already said the group exists:
 * zombie leftovers then wait out `stoptime` instead of being recognised at once. The answer may
 * be up to {@link SCAN_TTL_MS} old: callers poll until the group is gone.
 */
export function groupHasLiveMember(pgid: number): boolean {
  if (!procReadable()) return true;
  return liveGroups().has(pgid);
}

/**
 * How long one /proc scan answers for every group. A scan reads every process's stat file
 * (≈3 ms with 300 processes); when `stop all` SIGKILLs 100 programs, their exits each ask, and a
 * scan per question kept the daemon busy for ≈0.6 s (measured with --cpu-prof).
 */
export const SCAN_TTL_MS = 20;

let lastScan: { readonly at: number; readonly live: ReadonlySet<number> } | null = null;

/** Process groups with at least one live (non-zombie) member, from a scan at most SCAN_TTL_MS old. */
function liveGroups(): ReadonlySet<number> {
  const now = performance.now();
  if (lastScan !== null && now - lastScan.at < SCAN_TTL_MS) return lastScan.live;
  const live = new Set<number>();
  for (const line of readAllProcStats()) {
    const stat = parseProcStat(line);
    if (stat !== null && !isDeadState(stat.state)) live.add(stat.pgid);
  }
  lastScan = { at: now, live };
  return live;
}
