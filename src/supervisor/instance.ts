/**
 * The driver of one process instance: the only place its record is stored. `dispatch(event)` is
 * synchronous (events raised while dispatching are queued, never interleaved); effects run right
 * after the record is stored; process and timer news come back only as new events.
 */
import type { ProgramSpec } from "../config/types.ts";
import type { EventHub } from "../events.ts";
import type { ProcessOutput } from "../logs/types.ts";
import { ProtocolError } from "../protocol/errors.ts";
import type { ProcessStatus } from "../protocol/types.ts";
import { type Clock, sleep, type TimerId } from "../clock.ts";
import { type ChildHandle, needsContinue, type Spawner } from "../process/spawner.ts";
import { type Effect, type MachineEvent, transition } from "./machine.ts";
import { initialRecord, LIVE_STATES, type ProcRecord } from "./states.ts";
import { type CriticalDecision, criticalDecision, type Ending } from "./critical.ts";
import { isExpected } from "./policy.ts";
import { HealthSlot, type HealthWatchFactory, realHealthWatch } from "./health.ts";
import { LineSplitter, type ReadyWatch, type ReadyWatchFactory, realReadyWatch } from "./ready.ts";

/** What an instance needs to apply the critical-program policy (docs/lifecycle.md). */
export interface CriticalHooks {
  /** True once a daemon shutdown, or an earlier critical trigger, is under way. */
  shuttingDown(): boolean;
  /** This instance ended the daemon; called after the transition it caused was applied. */
  triggered(instance: Instance, decision: CriticalDecision): void;
}

/** A process's status as the instance knows it: the operator's intent lives in the state store. */
export type InstanceStatus = Omit<ProcessStatus, "desired" | "held">;

/** Collaborators of an instance. */
export interface InstanceOptions {
  readonly spec: ProgramSpec;
  readonly index: number;
  readonly name: string;
  readonly hub: EventHub;
  readonly spawner: Spawner;
  readonly clock: Clock;
  readonly output: ProcessOutput;
  /** Secret-source variable names of the current config (removed from the child's env). */
  readonly secretEnv: () => readonly string[];
  /** Called whenever a child appears or disappears (pids file). */
  readonly onChildChange?: () => void;
  /** Critical-program hooks; without them no ending is ever critical. */
  readonly critical?: CriticalHooks;
  /** Ready checks of a program with `ready:` (default: the real probes). */
  readonly readyWatch?: ReadyWatchFactory;
  /** Health checks of a program with `health:` (default: the real probes). */
  readonly healthWatch?: HealthWatchFactory;
}

/**
 * How long an exit waits for the child's output to reach EOF before detaching (docs/lifecycle.md).
 */
const OUTPUT_GRACE_MS = 1000;
/** Poll step while waiting for leftovers of a process group to die (bounded by stoptime). */
const GROUP_POLL_MS = 50;
/** Bounded wait after SIGKILL (zombies under a non-reaping PID 1 never leave the group). */
const KILL_SETTLE_MS = 500;

/** One process instance (`prog` or `prog:N`). */
export class Instance {
  readonly index: number;
  #name: string;
  #spec: ProgramSpec;
  #options: InstanceOptions;
  #output: ProcessOutput;
  #record: ProcRecord;
  #queue: MachineEvent[] = [];
  #busy = false;
  #timer: TimerId | null = null;
  #child: ChildHandle | null = null;
  #stdin: WritableStreamDefaultWriter<Uint8Array> | null = null;
  #listeners = new Set<(record: ProcRecord) => void>();
  #exits = new Set<Promise<void>>();
  /** Monotonic ms of the last operator `signal` to this instance's child. */
  #operatorSignalAt: number | null = null;
  /** Generation whose exit came within `stoptime` of an operator `signal`, if any. */
  #operatorExitGen: number | null = null;
  /** The ready watch of the current spawn while it is STARTING (only with `ready:`). */
  #readyWatch: { gen: number; watch: ReadyWatch; unfollow: () => void } | null = null;
  #health: HealthSlot;

  constructor(options: InstanceOptions) {
    this.index = options.index;
    this.#name = options.name;
    this.#spec = options.spec;
    this.#options = options;
    this.#output = options.output;
    this.#record = initialRecord(options.clock.now());
    this.#health = new HealthSlot({
      factory: options.healthWatch ?? realHealthWatch,
      clock: options.clock,
      emit: (level, event, fields) =>
        options.hub.emit(level, event, { process: this.#name, program: this.#spec.name }, fields),
      restart: (gen) => this.dispatch({ type: "UNHEALTHY", gen }),
    });
  }

  /** `prog` or `prog:N` (changes when numprocs crosses 1). */
  get name(): string {
    return this.#name;
  }
  set name(name: string) {
    this.#name = name;
  }

  /** The live spec; policy fields take effect at the next transition. */
  get spec(): ProgramSpec {
    return this.#spec;
  }
  set spec(spec: ProgramSpec) {
    const healthChanged = JSON.stringify(spec.health) !== JSON.stringify(this.#spec.health);
    this.#spec = spec;
    // A reload's `health` change applies in place: the checks start again, the process stays.
    if (healthChanged) this.#syncHealth(true);
  }

  /** The output capture of this instance. Replace it only while no child runs. */
  get output(): ProcessOutput {
    return this.#output;
  }
  set output(output: ProcessOutput) {
    this.#output = output;
  }

  /** The current record (read-only snapshot). */
  get record(): ProcRecord {
    return this.#record;
  }

  /** Pid of the child while one exists (STARTING, RUNNING, STOPPING), else null. */
  get pid(): number | null {
    return LIVE_STATES.has(this.#record.state) ? this.#record.pid : null;
  }

  /** Pid of the child the daemon still holds (also during exit handling), for the pids file. */
  get childPid(): number | null {
    return this.#child?.pid ?? null;
  }

  /** Settles when every exit being handled (output drain, group cleanup) has been dispatched. */
  async settled(): Promise<void> {
    while (this.#exits.size > 0) await Promise.all([...this.#exits]);
  }

  /** Calls `listener` after every change of the record; returns the unsubscribe function. */
  onChange(listener: (record: ProcRecord) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Feeds one event to the machine and runs its effects. Synchronous; re-entrant calls queue. */
  dispatch(event: MachineEvent): void {
    this.#queue.push(event);
    if (this.#busy) return;
    this.#busy = true;
    try {
      for (let next = this.#queue.shift(); next; next = this.#queue.shift()) this.#step(next);
    } finally {
      this.#busy = false;
    }
  }

  /** The `status --json` element of this instance, but for the intent the supervisor adds. */
  status(): InstanceStatus {
    const r = this.#record;
    const clock = this.#options.clock;
    return {
      name: this.#name,
      program: this.#spec.name,
      index: this.index,
      state: r.state,
      pid: this.pid,
      exitCode: r.lastExit?.code ?? null,
      signal: r.lastExit?.signal ?? null,
      since: new Date(clock.wall() - (clock.now() - r.since)).toISOString(),
      restarts: r.restarts,
      description: r.description,
      waitingOn: [...r.waitingOn],
      ready: r.ready,
      health: this.#health.status(this.#spec),
    };
  }

  /**
   * Sends an operator's signal to the live child's process group; false when nothing runs. An
   * exit within `stoptime` after it counts as operator-caused (never critical).
   */
  signal(signal: Deno.Signal): boolean {
    const pid = this.pid;
    if (pid === null) return false;
    const sent = this.#options.spawner.signalGroup(pid, signal);
    if (sent) this.#operatorSignalAt = this.#options.clock.now();
    return sent;
  }

  /** Writes to the child's stdin pipe. Throws NOT_RUNNING when no child can take it. */
  async writeStdin(data: Uint8Array): Promise<number> {
    const child = this.#child;
    if (child === null || this.pid === null || child.stdin === null) {
      throw new ProtocolError("NOT_RUNNING", `${this.#name}: not running`);
    }
    this.#stdin ??= child.stdin.getWriter();
    try {
      await this.#stdin.write(data);
    } catch (error) {
      throw new ProtocolError("NOT_RUNNING", `${this.#name}: stdin closed (${String(error)})`);
    }
    return data.byteLength;
  }

  #step(input: MachineEvent): void {
    const before = this.#record;
    const exitDecision = this.#judgeExit(input);
    // A critical exit is never restarted: the daemon is about to stop everything.
    const event: MachineEvent = exitDecision !== null && input.type === "EXITED"
      ? { ...input, hold: true }
      : input;
    let result;
    try {
      result = transition(this.#record, event, {
        spec: this.#spec,
        now: this.#options.clock.now(),
      });
    } catch (error) {
      // An impossible cell is a bug; report it and keep supervising everything else.
      console.error(`taskmasterd: ${this.#name}: ${String(error)}`);
      return;
    }
    if (result.dropped) return;
    const changed = result.record !== this.#record;
    this.#record = result.record;
    this.#endReadyWatch(false);
    this.#syncHealth(false);
    for (const effect of result.effects) this.#run(effect);
    if (!changed) return;
    for (const listener of [...this.#listeners]) {
      try {
        listener(this.#record);
      } catch (error) {
        console.error(`taskmasterd: ${this.#name}: state listener failed: ${String(error)}`);
      }
    }
    const decision = exitDecision ?? this.#judgeFatal(before, event);
    if (decision !== null) this.#options.critical?.triggered(this, decision);
  }

  /** The critical decision for an exit of the current child, before the machine sees it. */
  #judgeExit(event: MachineEvent): CriticalDecision | null {
    const r = this.#record;
    if (event.type !== "EXITED" || event.gen !== r.generation || !LIVE_STATES.has(r.state)) {
      return null;
    }
    const exit = { code: event.signal === null ? event.code : null, signal: event.signal };
    return this.#judge({
      kind: "exit",
      from: r.state,
      exit,
      expected: isExpected(exit, this.#spec.exitcodes),
    }, this.#operatorExitGen === event.gen);
  }

  /** The critical decision when `event` moved the record into FATAL. */
  #judgeFatal(before: ProcRecord, event: MachineEvent): CriticalDecision | null {
    const r = this.#record;
    if (r.state !== "FATAL" || before.state === "FATAL") return null;
    return this.#judge({
      kind: "fatal",
      // The daemon ended it (ready deadline, dependency failure): exit code 1 whatever the signal.
      cause: event.type === "SPAWN_FAILED"
        ? "spawn-error"
        : event.type === "DEP_FAILED" || before.failReason !== null
        ? "daemon"
        : "exit",
      lastExit: r.lastExit,
      expected: r.lastExit !== null && isExpected(r.lastExit, this.#spec.exitcodes),
      reason: r.description,
    }, event.type === "EXITED" && this.#operatorExitGen === event.gen);
  }

  #judge(ending: Ending, operatorCaused: boolean): CriticalDecision | null {
    const hooks = this.#options.critical;
    if (hooks === undefined || this.#spec.critical === false) return null;
    return criticalDecision({
      mode: this.#spec.critical,
      ending,
      operatorCaused,
      shuttingDown: hooks.shuttingDown(),
    });
  }

  #run(effect: Effect): void {
    switch (effect.type) {
      case "SPAWN":
        return this.#spawn(effect.gen);
      case "KILL":
        return this.#kill(effect.signal);
      case "ARM":
        this.#disarm();
        this.#timer = this.#options.clock.setTimer(effect.ms, () => {
          this.#timer = null;
          this.dispatch({ type: "TIMEOUT", gen: effect.gen });
        });
        return;
      case "DISARM":
        return this.#disarm();
      case "EMIT":
        this.#options.hub.emit(effect.level, effect.event, {
          process: this.#name,
          program: this.#spec.name,
        }, { ...effect.fields });
        return;
    }
  }

  #disarm(): void {
    if (this.#timer !== null) this.#options.clock.clearTimer(this.#timer);
    this.#timer = null;
  }

  #kill(signal: Deno.Signal): void {
    const child = this.#child;
    if (child === null) return;
    const spawner = this.#options.spawner;
    // SIGCONT after the stop signal lets a SIGSTOPped child receive it and die.
    if (spawner.signalGroup(child.pid, signal) && needsContinue(signal)) {
      spawner.signalGroup(child.pid, "SIGCONT");
    }
  }

  #spawn(gen: number): void {
    const output = this.#output;
    let child: ChildHandle;
    try {
      child = this.#options.spawner.spawn({
        spec: this.#spec,
        processName: this.#name,
        index: this.index,
        stdout: output.stdio("stdout"),
        stderr: output.stdio("stderr"),
        secretEnv: this.#options.secretEnv(),
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.dispatch({ type: "SPAWN_FAILED", gen, error: `spawn error: ${message}` });
      return;
    }
    this.#child = child;
    this.#stdin = null;
    const drained = output.attach(child.stdout, child.stderr);
    const exit = this.#watch(child, gen, output, drained);
    this.#exits.add(exit);
    exit.finally(() => this.#exits.delete(exit));
    this.dispatch({ type: "SPAWNED", gen, pid: child.pid });
    this.#beginReadyWatch(gen, output);
    this.#options.onChildChange?.();
  }

  /** Starts the ready checks of spawn `gen` (no timer at all without `ready:`). */
  #beginReadyWatch(gen: number, output: ProcessOutput): void {
    const ready = this.#spec.ready;
    this.#endReadyWatch(true);
    if (ready === null || this.#record.generation !== gen || this.#record.state !== "STARTING") {
      return;
    }
    const factory = this.#options.readyWatch ?? realReadyWatch;
    const watch = factory({
      ready,
      spec: this.#spec,
      processName: this.#name,
      index: this.index,
      secretEnv: this.#options.secretEnv(),
      clock: this.#options.clock,
      onReady: (e) => this.dispatch({ type: "READY", gen, check: e.check, after: e.after }),
      onDeadline: (e) => this.dispatch({ type: "READY_TIMEOUT", gen, ...e }),
    });
    let unfollow = () => {};
    if (ready.check.kind === "log") {
      const feed = (line: string) => watch.feedLine(line);
      const out = new LineSplitter(feed);
      const err = new LineSplitter(feed);
      const a = output.follow("stdout", (chunk) => out.push(chunk), { forChecks: true });
      const b = output.follow("stderr", (chunk) => err.push(chunk), { forChecks: true });
      unfollow = () => {
        a();
        b();
      };
    }
    this.#readyWatch = { gen, watch, unfollow };
  }

  #syncHealth(restart: boolean): void {
    const r = this.#record;
    this.#health.sync(r.state === "RUNNING", r.generation, this.#spec, {
      name: this.#name,
      index: this.index,
      secretEnv: this.#options.secretEnv(),
    }, restart);
  }

  /** Ends the ready watch once its spawn left STARTING (or always, with `force`). */
  #endReadyWatch(force: boolean): void {
    const current = this.#readyWatch;
    if (current === null) return;
    const r = this.#record;
    if (!force && r.state === "STARTING" && r.generation === current.gen) return;
    this.#readyWatch = null;
    current.unfollow();
    current.watch.stop();
  }

  /** Exit handling: stop the group's leftovers, wait for the output, then publish the exit. */
  async #watch(
    child: ChildHandle,
    gen: number,
    output: ProcessOutput,
    drained: Promise<void>,
  ): Promise<void> {
    // Output that already ended (a `none` stream, a quick EOF) needs no grace timer: a stop of
    // 100 processes armed and cancelled 100 of them on the exit path.
    let outputEnded = false;
    drained.then(() => void (outputEnded = true), ignoreHere);
    const exit = await child.exited;
    const { spawner, clock } = this.#options;
    // Judged when the child died, not after the output drained: the drain may take a while.
    const signalled = this.#operatorSignalAt;
    const byOperator = signalled !== null && clock.now() - signalled <= this.#spec.stoptime * 1000;
    const spec = this.#spec;
    try {
      // Whatever is left of the group gets the stop signal now, SIGKILL after stoptime.
      const leftovers = spawner.signalGroup(child.pid, spec.stopsignal);
      if (leftovers && needsContinue(spec.stopsignal)) spawner.signalGroup(child.pid, "SIGCONT");
      // With leftovers the old path stays as it was: its turns give them time to act on it.
      if (!outputEnded || leftovers) {
        const grace = sleep(clock, OUTPUT_GRACE_MS);
        const done = await Promise.race([drained.then(() => true), grace.done.then(() => false)]);
        grace.cancel();
        if (!done) output.detach();
      }
      if (leftovers) await this.#reapGroup(child.pid, spec.stoptime * 1000);
    } catch (error) {
      // The exit is published whatever failed here: a lost EXITED would wedge the process.
      console.error(`taskmasterd: ${this.#name}: after exit of pid ${child.pid}: ${String(error)}`);
    }
    this.#closeStdin(child);
    if (this.#child === child) this.#child = null;
    if (byOperator) this.#operatorExitGen = gen;
    this.dispatch({ type: "EXITED", gen, code: exit.code, signal: exit.signal });
    this.#options.onChildChange?.();
  }

  async #reapGroup(pid: number, stoptimeMs: number): Promise<void> {
    const { spawner, clock } = this.#options;
    const deadline = clock.now() + stoptimeMs;
    while (spawner.groupAlive(pid) && clock.now() < deadline) {
      await sleep(clock, GROUP_POLL_MS).done;
    }
    if (spawner.groupAlive(pid) && spawner.signalGroup(pid, "SIGKILL")) {
      this.#options.hub.emit("WARN", "killed", { process: this.#name, program: this.#spec.name }, {
        pid,
        reason: "process group leftovers",
      });
      // SIGKILL is delivered asynchronously: give it a moment so nothing outlives the exit.
      const killDeadline = clock.now() + KILL_SETTLE_MS;
      while (spawner.groupAlive(pid) && clock.now() < killDeadline) {
        await sleep(clock, GROUP_POLL_MS).done;
      }
    }
  }

  #closeStdin(child: ChildHandle): void {
    const writer = this.#stdin;
    this.#stdin = null;
    const closing = writer !== null ? writer.close() : child.stdin?.close();
    closing?.catch((error) => {
      // The child is gone: a broken pipe on close is expected and harmless.
      if (!(error instanceof Deno.errors.BrokenPipe)) {
        console.error(`taskmasterd: ${this.#name}: closing stdin: ${String(error)}`);
      }
    });
  }
}

/** A rejection seen elsewhere (the race in `#watch` still meets it). */
function ignoreHere(_error: unknown): void {
  return;
}
