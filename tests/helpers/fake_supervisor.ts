/**
 * The one in-memory SupervisorApi of the test tree (control API, controller, web, reliability and
 * fuzz tests). Processes have a small state model (start → RUNNING, stop → STOPPED, each step
 * emitted on a real EventHub unless told not to), per-stream output buffers with followers, and
 * every call is recorded. Names resolve by array search (never a plain-object lookup), so hostile
 * names such as `__proto__` are unknown like any other. Ready-made scenarios live in
 * `fake_scenarios.ts`.
 */
import { EventHub } from "../../src/events.ts";
import { ProtocolError } from "../../src/protocol/errors.ts";
import { selectByName } from "../../src/protocol/names.ts";
import { parseSendableSignal } from "../../src/protocol/signals.ts";
import type {
  ActionResult,
  DaemonInfo,
  DepsInfo,
  EventName,
  ProcessStatus,
  ProcState,
  ReloadResult,
  StreamName,
} from "../../src/protocol/types.ts";
import type { ActionOptions, SupervisorApi } from "../../src/supervisor/api.ts";

/** One program of the fake: `numprocs` instances named `prog` (one) or `prog:N` (several). */
export interface FakeProgram {
  program: string;
  /** Instances (default 1). */
  numprocs?: number;
  /** Initial state of every instance (default RUNNING). */
  state?: ProcState;
  /** Pid of the first live instance, the others count up (default: the fake's pid counter). */
  pid?: number;
  exitCode?: number | null;
  description?: string;
}

/** Knobs of the fake; every default is the plain behaviour described on each one. */
export interface FakeSupervisorOptions {
  /** Clock of the event hub and of `since` (default: the real clock). */
  clock?: () => Date;
  /** First pid handed out to processes started without a given pid (default 1000). */
  firstPid?: number;
  /** Emit an event per state transition (default true). */
  transitionEvents?: boolean;
  /** start/stop/restart throw BAD_NAME for an unknown name instead of an ok:false result. */
  strictActionNames?: boolean;
  /** Programs whose start and restart always fail with "spawn error: ENOENT", ending FATAL. */
  unstartable?: readonly string[];
  /** What reload answers (default: every program unchanged). */
  reloadResult?: ReloadResult;
  /** Overrides of the daemon facts `info()` answers. */
  info?: Partial<DaemonInfo>;
}

interface Proc {
  status: ProcessStatus;
  out: Record<StreamName, Uint8Array>;
  followers: Set<{ stream: StreamName; listener: (chunk: Uint8Array) => void }>;
}

type Follower = (chunk: Uint8Array) => void;

const OUTPUT_CAP = 64 * 1024;
const EVENT_OF: Partial<Record<ProcState, EventName>> = {
  RUNNING: "running",
  STARTING: "spawned",
  STOPPING: "stopping",
  FATAL: "fatal",
  BACKOFF: "backoff",
  EXITED: "exited",
};

/** The fake; programs are `[program, numprocs]` pairs (all RUNNING) or {@link FakeProgram}s. */
export class FakeSupervisor implements SupervisorApi {
  readonly events: EventHub;
  /** Every mutating call as `verb:name` (`reload`, `shutdown` bare), in order. */
  readonly calls: string[] = [];
  /** Every call as `method(arg,…)`, in order. */
  readonly log: string[] = [];
  /** Who asked for each start/stop/restart, as `verb:by` (`by` as passed, else `-`). */
  readonly actors: string[] = [];
  /** Set once `shutdown()` resolved. */
  shutdownDone = false;
  /** Delay of start/stop/restart in ms (lets tests kill a controller mid-command). */
  actionDelayMs = 0;
  #procs: Proc[] = [];
  #counts = new Map<string, number>();
  #clock: () => Date;
  #nextPid: number;
  #options: FakeSupervisorOptions;

  constructor(
    programs: ReadonlyArray<readonly [string, number] | FakeProgram>,
    options: FakeSupervisorOptions = {},
  ) {
    this.#options = options;
    this.#clock = options.clock ?? (() => new Date());
    this.#nextPid = options.firstPid ?? 1000;
    this.events = new EventHub(this.#clock);
    const since = new Date(this.#clock().getTime() - 3_725_000).toISOString();
    for (const entry of programs) {
      const spec: FakeProgram = Array.isArray(entry)
        ? { program: entry[0], numprocs: entry[1] }
        : entry as FakeProgram;
      const numprocs = spec.numprocs ?? 1;
      const state = spec.state ?? "RUNNING";
      for (let index = 0; index < numprocs; index++) {
        const live = state === "RUNNING" || state === "STARTING" || state === "STOPPING";
        this.#procs.push({
          status: {
            name: numprocs === 1 ? spec.program : `${spec.program}:${index}`,
            program: spec.program,
            index,
            state,
            pid: !live ? null : spec.pid !== undefined ? spec.pid + index : this.#nextPid++,
            exitCode: spec.exitCode ?? null,
            signal: null,
            since,
            restarts: 0,
            description: spec.description ?? "",
            waitingOn: [],
            ready: null,
            health: null,
            desired: state === "RUNNING" ? "started" : "stopped",
            held: false,
          },
          out: { stdout: new Uint8Array(0), stderr: new Uint8Array(0) },
          followers: new Set(),
        });
      }
    }
  }

  /** The live status record of one process, for tests that craft a state. */
  proc(name: string): ProcessStatus {
    const found = this.#find(name)[0];
    if (found === undefined) throw new Error(`no ${name}`);
    return found.status;
  }

  /** Appends output to a stream (keeping the last 64 KiB) and notifies its followers. */
  print(name: string, stream: StreamName, data: string | Uint8Array): void {
    const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
    for (const proc of this.#find(name)) {
      const joined = new Uint8Array(proc.out[stream].length + bytes.length);
      joined.set(proc.out[stream]);
      joined.set(bytes, proc.out[stream].length);
      proc.out[stream] = joined.slice(Math.max(0, joined.length - OUTPUT_CAP));
    }
    this.emitOutput(name, stream, bytes);
  }

  /** Hands a chunk to the stream's followers only: the tail buffer stays as it is. */
  emitOutput(name: string, stream: StreamName, data: string | Uint8Array): void {
    const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
    for (const proc of this.#find(name)) {
      for (const f of proc.followers) if (f.stream === stream) f.listener(bytes);
    }
  }

  /** Moves a process to `state` and emits the matching event (used to simulate crashes). */
  setState(name: string, state: ProcState, fields: Record<string, string | number> = {}): void {
    for (const proc of this.#find(name)) this.#transition(proc, state, fields);
  }

  /** Number of live output followers (to prove streams were unsubscribed). */
  followerCount(): number {
    return this.#procs.reduce((n, p) => n + p.followers.size, 0);
  }

  /** How many times `method` was called (to prove hostile input reached nothing). */
  count(method: string): number {
    return this.#counts.get(method) ?? 0;
  }

  /** Call counts by method name. */
  counts(): Record<string, number> {
    return Object.fromEntries(this.#counts);
  }

  status(names: readonly string[]): ProcessStatus[] {
    this.#record("status", names);
    return this.#expand(names).map((p) => ({ ...p.status }));
  }

  start(names: readonly string[], options: ActionOptions = {}): Promise<ActionResult[]> {
    this.actors.push(`start:${options.by ?? "-"}`);
    return this.#act("start", names, (proc) => {
      this.#hold(proc, "started");
      if (proc.status.state === "RUNNING") return "already started";
      this.#transition(proc, "STARTING", {});
      this.#transition(proc, "RUNNING", {});
      return "started";
    });
  }

  stop(names: readonly string[], options: ActionOptions = {}): Promise<ActionResult[]> {
    this.actors.push(`stop:${options.by ?? "-"}`);
    return this.#act("stop", names, (proc) => {
      this.#hold(proc, "stopped");
      if (proc.status.pid === null) return "not running";
      this.#transition(proc, "STOPPING", {});
      this.#transition(proc, "STOPPED", { signal: "SIGTERM" });
      return "stopped";
    });
  }

  restart(names: readonly string[], options: ActionOptions = {}): Promise<ActionResult[]> {
    this.actors.push(`restart:${options.by ?? "-"}`);
    return this.#act("restart", names, (proc) => {
      this.#hold(proc, "started");
      if (proc.status.pid !== null) this.#transition(proc, "STOPPED", {});
      this.#transition(proc, "RUNNING", {});
      return "restarted";
    });
  }

  /** Drops the hold of each named process (its desired state stays as it was, for simplicity). */
  deps(): DepsInfo {
    return { waves: [], edges: [] };
  }

  reset(names: readonly string[]): ActionResult[] {
    this.#record("reset", names, names.map((n) => `reset:${n}`));
    const results: ActionResult[] = [];
    for (const name of names) {
      const procs = this.#find(name);
      if (procs.length === 0) {
        results.push({ name, ok: false, state: null, message: "no such process" });
      }
      for (const { status: s } of procs) {
        results.push({
          name: s.name,
          ok: true,
          state: s.state,
          message: s.held ? `override removed (desired ${s.desired})` : "no override",
        });
        s.held = false;
      }
    }
    return results;
  }

  signal(signal: string, names: readonly string[]): ActionResult[] {
    this.#record("signal", [signal, ...names], names.map((n) => `signal:${n}`));
    if (parseSendableSignal(signal) === null) {
      throw new ProtocolError("BAD_REQUEST", "signal: unknown signal");
    }
    return this.#expand(names).map(({ status: s }) => ({
      name: s.name,
      ok: s.pid !== null,
      state: s.state,
      message: s.pid !== null ? `sent ${signal}` : "not running",
    }));
  }

  reload(options: { dryRun: boolean }): Promise<ReloadResult> {
    this.#record("reload", [String(options.dryRun)], ["reload"]);
    const programs = [...new Set(this.#procs.map((p) => p.status.program))];
    const result = this.#options.reloadResult ??
      { added: [], changed: [], removed: [], unchanged: programs };
    return Promise.resolve(structuredClone(result));
  }

  async shutdown(): Promise<void> {
    this.#record("shutdown", [], ["shutdown"]);
    // Resolve later than the call, so tests can tell "answered after shutdown finished".
    await new Promise((r) => setTimeout(r, 20));
    this.shutdownDone = true;
  }

  info(): DaemonInfo {
    this.#record("info", []);
    return {
      version: "0.1.0",
      apiVersion: 1,
      pid: 1234,
      startedAt: "2024-01-02T03:04:05.678Z",
      uptimeSeconds: 3725,
      configFile: "/etc/taskmaster/taskmaster.yaml",
      lastReload: null,
      reloads: { ok: 0, failed: 0 },
      httpUrl: "http://127.0.0.1:4242/",
      httpError: null,
      logLossBytes: 0,
      alerts: { sent: 0, failed: 0, dropped: 0 },
      stateFile: "/etc/taskmaster/taskmasterd.state.json",
      stateError: null,
      overrides: this.#procs.filter((p) => p.status.held).length,
      ...this.#options.info,
    };
  }

  tail(name: string, stream: StreamName): Uint8Array {
    this.#record("tail", [name, stream]);
    return this.#single(name).out[stream].slice();
  }

  followOutput(name: string, stream: StreamName, listener: Follower): () => void {
    this.#record("followOutput", [name, stream]);
    const proc = this.#single(name);
    const entry = { stream, listener };
    proc.followers.add(entry);
    return () => {
      proc.followers.delete(entry);
    };
  }

  writeStdin(name: string, data: Uint8Array): Promise<number> {
    const text = new TextDecoder().decode(data);
    this.#record("writeStdin", [name, text], [`stdin:${name}`]);
    const proc = this.#single(name);
    if (proc.status.state !== "RUNNING") {
      throw new ProtocolError("NOT_RUNNING", `${name} is not running`);
    }
    // Echo like `cat` would, so attach tests see their input come back (to followers only).
    this.emitOutput(proc.status.name, "stdout", `echo: ${text}`);
    return Promise.resolve(data.byteLength);
  }

  alertTest(): Promise<string> {
    this.#record("alertTest", []);
    return Promise.resolve("250 2.0.0 OK queued");
  }

  #hold(proc: Proc, desired: "started" | "stopped"): void {
    proc.status.desired = desired;
    proc.status.held = true;
  }

  #record(method: string, args: readonly string[], mutations: readonly string[] = []): void {
    this.log.push(`${method}(${args.join(",")})`);
    this.#counts.set(method, this.count(method) + 1);
    this.calls.push(...mutations);
  }

  #find(name: string): Proc[] {
    return selectByName(this.#procs, name, (proc) => proc.status) ?? [];
  }

  /** Every process the names cover (all for none), once each; BAD_NAME naming unknown ones. */
  #expand(names: readonly string[]): Proc[] {
    if (names.length === 0) return [...this.#procs];
    const unknown = names.filter((n) => this.#find(n).length === 0);
    if (unknown.length > 0) {
      throw new ProtocolError("BAD_NAME", `no such process: ${unknown.join(", ")}`);
    }
    return [...new Set(names.flatMap((n) => this.#find(n)))];
  }

  #single(name: string): Proc {
    const found = this.#find(name);
    if (found.length !== 1 || found[0] === undefined) {
      throw new ProtocolError("BAD_NAME", `no such process: ${name}`);
    }
    return found[0];
  }

  #transition(proc: Proc, state: ProcState, fields: Record<string, string | number>): void {
    const s = proc.status;
    s.state = state;
    s.since = this.#clock().toISOString();
    if (state === "STARTING" || (state === "RUNNING" && s.pid === null)) s.pid = this.#nextPid++;
    if (state === "STOPPED" || state === "EXITED" || state === "FATAL" || state === "BACKOFF") {
      s.pid = null;
    }
    if (this.#options.transitionEvents === false) return;
    const level = state === "FATAL" ? "ERROR" : state === "BACKOFF" ? "WARN" : "INFO";
    const event = EVENT_OF[state] ?? "stopped";
    this.events.emit(level, event, { process: s.name, program: s.program }, fields);
  }

  async #act(
    verb: string,
    names: readonly string[],
    run: (proc: Proc) => string,
  ): Promise<ActionResult[]> {
    this.#record(verb, names, names.map((n) => `${verb}:${n}`));
    if (this.#options.strictActionNames) this.#expand(names);
    if (this.actionDelayMs > 0) await new Promise((r) => setTimeout(r, this.actionDelayMs));
    const results: ActionResult[] = [];
    for (const name of names) {
      const procs = this.#find(name);
      if (procs.length === 0) {
        results.push({ name, ok: false, state: null, message: "no such process" });
      }
      for (const proc of procs) results.push(this.#actOn(verb, proc, run));
    }
    return results;
  }

  #actOn(verb: string, proc: Proc, run: (proc: Proc) => string): ActionResult {
    const s = proc.status;
    if (verb !== "stop" && this.#options.unstartable?.includes(s.program)) {
      if (s.state !== "FATAL") this.#transition(proc, "FATAL", { reason: "spawn error" });
      return { name: s.name, ok: false, state: "FATAL", message: "spawn error: ENOENT" };
    }
    const message = run(proc);
    return { name: s.name, ok: true, state: s.state, message };
  }
}
