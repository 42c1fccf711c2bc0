/**
 * A {@link Spawner} for unit tests: no process is started. Each spawn returns a
 * {@link FakeChild} the test ends with `exit(code)` or `killBy(signal)`; group signals are
 * recorded, and a child can leave "leftovers" in its process group that only SIGKILL removes.
 */
import type { Clock } from "../../src/clock.ts";
import {
  type ChildExit,
  type ChildHandle,
  type Spawner,
  SpawnError,
  type SpawnRequest,
} from "../../src/process/spawner.ts";

/** A controllable child: its process group is alive until it exits and its leftovers die. */
export class FakeChild implements ChildHandle {
  readonly pid: number;
  readonly request: SpawnRequest;
  /** Monotonic time of the spawn (the spawner's clock), or null without a clock. */
  readonly spawnedAt: number | null;
  readonly stdin = null;
  readonly stdout = null;
  readonly stderr = null;
  readonly exited: Promise<ChildExit>;
  /** True once the main process ended. */
  done = false;
  /** Other members of the group still alive after the main process ended (die on SIGKILL). */
  leftovers = false;
  #resolve: (exit: ChildExit) => void = () => {};

  constructor(pid: number, request: SpawnRequest, spawnedAt: number | null) {
    this.pid = pid;
    this.request = request;
    this.spawnedAt = spawnedAt;
    this.exited = new Promise((resolve) => {
      this.#resolve = resolve;
    });
  }

  /** True while any process of the group exists. */
  get groupAlive(): boolean {
    return !this.done || this.leftovers;
  }

  /** The main process exits with `code` (ignored once it already ended). */
  exit(code: number): void {
    this.#end({ code, signal: null });
  }

  /** The main process is killed by `signal` (ignored once it already ended). */
  killBy(signal: string): void {
    this.#end({ code: null, signal });
  }

  #end(exit: ChildExit): void {
    if (this.done) return;
    this.done = true;
    this.#resolve(exit);
  }
}

/** One `signalGroup` call and whether it reached a live group. */
export interface SignalCall {
  readonly pid: number;
  readonly signal: Deno.Signal;
  readonly delivered: boolean;
  /** Monotonic time of the call (the spawner's clock), or null without a clock. */
  readonly at: number | null;
}

/** Options of a {@link FakeSpawner}. */
export interface FakeSpawnerOptions {
  /** Stamps spawns and signals with this clock's time. */
  readonly clock?: Clock;
  /** First pid handed out (then counting up). */
  readonly firstPid?: number;
  /** Called with every new child right after it was made (e.g. to exit at once). */
  readonly onSpawn?: (child: FakeChild) => void;
  /**
   * Called for every signal that reached a live group. The default ends the main process on
   * SIGKILL (and its leftovers too), and leaves it running on every other signal.
   */
  readonly onSignal?: (child: FakeChild, signal: Deno.Signal) => void;
}

/** Records spawns and group signals; children end only when the test (or a hook) says so. */
export class FakeSpawner implements Spawner {
  /** Every spawn request, failed ones included, in order. */
  readonly requests: SpawnRequest[] = [];
  /** Every child handed out, in order. */
  readonly children: FakeChild[] = [];
  /** Every `signalGroup` call, in order. */
  readonly signals: SignalCall[] = [];
  /** Overrides the group liveness per pid when set (return undefined to use the default). */
  groupAliveOverride: ((pid: number) => boolean | undefined) | null = null;
  onSpawn: ((child: FakeChild) => void) | null;
  onSignal: (child: FakeChild, signal: Deno.Signal) => void;
  #nextPid: number;
  #clock: Clock | null;
  #failures: string[] = [];

  constructor(options: FakeSpawnerOptions = {}) {
    this.#clock = options.clock ?? null;
    this.#nextPid = options.firstPid ?? 1000;
    this.onSpawn = options.onSpawn ?? null;
    this.onSignal = options.onSignal ?? killOnSigkill;
  }

  /** Makes the next spawn throw a SpawnError with `message` (queued: one per call). */
  failNext(message: string): void {
    this.#failures.push(message);
  }

  /** The latest child (throws when there is none). */
  get last(): FakeChild {
    const child = this.children.at(-1);
    if (child === undefined) throw new Error("FakeSpawner: nothing spawned yet");
    return child;
  }

  /** The child with `pid` (throws when unknown). */
  child(pid: number): FakeChild {
    const child = this.children.find((c) => c.pid === pid);
    if (child === undefined) throw new Error(`FakeSpawner: no child ${pid}`);
    return child;
  }

  /** Children spawned for one process name, in order. */
  childrenOf(processName: string): FakeChild[] {
    return this.children.filter((c) => c.request.processName === processName);
  }

  /** Signals sent to `pid`'s group, as `SIGTERM` or `SIGTERM!` (`!` = nothing was there). */
  signalsTo(pid: number): string[] {
    return this.signals.filter((s) => s.pid === pid).map((s) =>
      s.delivered ? s.signal : `${s.signal}!`
    );
  }

  spawn(request: SpawnRequest): ChildHandle {
    this.requests.push(request);
    const failure = this.#failures.shift();
    if (failure !== undefined) throw new SpawnError(failure);
    const child = new FakeChild(this.#nextPid++, request, this.#clock?.now() ?? null);
    this.children.push(child);
    this.onSpawn?.(child);
    return child;
  }

  signalGroup(pid: number, signal: Deno.Signal): boolean {
    const delivered = this.groupAlive(pid);
    this.signals.push({ pid, signal, delivered, at: this.#clock?.now() ?? null });
    const child = this.children.find((c) => c.pid === pid);
    if (delivered && child !== undefined) this.onSignal(child, signal);
    return delivered;
  }

  groupAlive(pid: number): boolean {
    const forced = this.groupAliveOverride?.(pid);
    if (forced !== undefined) return forced;
    return this.children.find((c) => c.pid === pid)?.groupAlive ?? false;
  }
}

/** The default signal reaction: SIGKILL ends the main process and every leftover. */
export function killOnSigkill(child: FakeChild, signal: Deno.Signal): void {
  if (signal !== "SIGKILL") return;
  child.leftovers = false;
  child.killBy("SIGKILL");
}

/**
 * A signal reaction for well-behaved children: any stop signal ends the main process and its
 * leftovers. SIGKILL acts at once; other signals in a microtask, after the `signalGroup` call
 * returned (a real delivery is asynchronous, so the SIGCONT that follows still finds the group).
 */
export function dieOnSignal(child: FakeChild, signal: Deno.Signal): void {
  if (signal === "SIGCONT" || signal === "SIGSTOP") return;
  if (signal === "SIGKILL") return killOnSigkill(child, signal);
  queueMicrotask(() => {
    child.leftovers = false;
    child.killBy(signal);
  });
}
