/**
 * The supervisor: registry of programs and instances, the process side of the facade the control
 * API and web page use (`SupervisorApi`), reload and shutdown. All state changes go through
 * instance drivers.
 */
import type { Config, LoadResult, ProgramSpec } from "../config/types.ts";
import type { CurrentConfig } from "../config/current.ts";
import { diffConfigs } from "../config/diff.ts";
import type { EventHub } from "../events.ts";
import type { ProcessOutput } from "../logs/types.ts";
import { ProtocolError } from "../protocol/errors.ts";
import { selectByName } from "../protocol/names.ts";
import { parseSendableSignal } from "../protocol/signals.ts";
import type {
  ActionResult,
  DaemonInfo,
  DepsInfo,
  ProcessStatus,
  ReloadResult,
  StreamName,
} from "../protocol/types.ts";
import { API_VERSION, VERSION } from "../protocol/version.ts";
import { type Clock, systemClock } from "../clock.ts";
import { denoSpawner, type Spawner } from "../process/spawner.ts";
import { type ChildRecord, PidsFile } from "../process/pids_file.ts";
import type { ActionOptions, SupervisorApi } from "./api.ts";
import { StateStore } from "../state/store.ts";
import type { DesiredState } from "../protocol/types.ts";
import { type CriticalHooks, Instance } from "./instance.ts";
import type { CriticalDecision } from "./critical.ts";
import { Program } from "./program.ts";
import { restartOne, stopOne } from "./actions.ts";
import { DependencyCoordinator } from "./deps.ts";
import {
  beginSet,
  type DepActionsHost,
  depsInfo,
  orderedStop,
  startDependencies,
  startNamed,
  startPlanOf,
} from "./dep_actions.ts";
import { stopInOrder } from "./stop_order.ts";
import { applyDiff, type ReloadHost } from "./reload.ts";
import { resetIntent, withUnsaved } from "./intent.ts";

/** The supervisor's own daemon facts; the web listener and the alerter own the others. */
export type SupervisorInfo = Omit<
  DaemonInfo,
  "httpUrl" | "httpError" | "alerts" | "stateFile" | "stateError" | "overrides"
>;

/** The part of {@link SupervisorApi} the supervisor answers itself, with its own facts. */
export type SupervisorCore = Omit<SupervisorApi, "info" | "alertTest"> & {
  info(): SupervisorInfo;
};

/** Construction options; collaborators are injected so tests can replace each. */
export interface SupervisorOptions {
  readonly config: Config;
  readonly hub: EventHub;
  readonly spawner?: Spawner;
  readonly clock?: Clock;
  readonly createOutput: (spec: ProgramSpec, processName: string, index: number) => ProcessOutput;
  readonly loadConfig: () => Promise<LoadResult>;
  /** The daemon's config holder, told of each config a reload applied; none when standalone. */
  readonly current?: CurrentConfig;
  /** Where to record live children (`taskmasterd.pids`); none when absent. */
  readonly pidsPath?: string;
  /**
   * A critical program ended (docs/lifecycle.md "Critical programs"); the daemon shuts down and
   * exits with `decision.exitCode`. Called once per daemon run, after `critical-exit` was logged.
   */
  readonly onCritical?: (decision: CriticalDecision) => void;
  /** Operator intent (docs/state.md); an in-memory store when absent. */
  readonly state?: StateStore;
}

/** Supervises every configured program. */
export class Supervisor implements SupervisorCore {
  /** The daemon's event hub. */
  readonly events: EventHub;
  #options: SupervisorOptions;
  #config: Config;
  #spawner: Spawner;
  #clock: Clock;
  #programs = new Map<string, Program>();
  #pids: PidsFile | null;
  #state: StateStore;
  #shutdown: Promise<void> | null = null;
  #shuttingDown = false;
  /** A critical program already ended the daemon: later endings are part of that shutdown. */
  #criticalFired = false;
  #startedAt: number;
  #lastReload: DaemonInfo["lastReload"] = null;
  /** Counted per reload that ran (a folded request shares its run's outcome). */
  #reloads = { ok: 0, failed: 0 };
  #reloadChain: Promise<unknown> = Promise.resolve();
  #reloadQueued: Promise<ReloadResult> | null = null;
  readonly #deps: DependencyCoordinator = new DependencyCoordinator({
    instancesOf: (name) => this.#programs.get(name)?.instances ?? [],
    instances: () => this.instances(),
    heldStopped: (name) => this.#state.heldStopped(name),
  });

  constructor(options: SupervisorOptions) {
    this.#options = options;
    this.events = options.hub;
    this.#config = options.config;
    this.#spawner = options.spawner ?? denoSpawner;
    this.#clock = options.clock ?? systemClock;
    this.#startedAt = this.#clock.wall();
    this.#pids = options.pidsPath === undefined
      ? null
      : new PidsFile(options.pidsPath, () => this.#childPids(), this.#clock);
    this.#state = options.state ??
      new StateStore({ path: null, hub: options.hub, clock: this.#clock });
    for (const spec of this.#config.programs) {
      this.#programs.set(spec.name, this.#makeProgram(spec));
    }
  }

  /** The config currently applied. */
  get config(): Config {
    return this.#config;
  }

  /** Every instance, in config order then index. */
  instances(): Instance[] {
    return [...this.#programs.values()].flatMap((p) => [...p.instances]);
  }

  /**
   * Daemon start, before any command is served: applies the state file's overrides to the
   * processes that exist (docs/state.md "At daemon start").
   */
  restoreIntent(): void {
    const names = new Set(this.instances().map((i) => i.name));
    this.#state.restore((name) => names.has(name));
  }

  /**
   * Starts every instance whose desired state is started (daemon start), dependencies first,
   * except those the operator holds stopped; does not wait.
   */
  startAutostart(): void {
    this.#startSet(this.instances().filter((i) => this.#wants(i)));
  }

  /** Starts `targets` and their dependencies (not held ones), without waiting (start, reload). */
  #startSet(targets: readonly Instance[]): void {
    beginSet(this.#depHost(), targets, () => this.#shuttingDown);
  }

  #instancesOf(program: string): readonly Instance[] {
    return this.#programs.get(program)?.instances ?? [];
  }

  status(names: readonly string[]): ProcessStatus[] {
    if (names.length === 0) return this.instances().map((i) => this.#statusOf(i));
    const unknown = names.filter((n) => this.#resolve(n) === null);
    if (unknown.length > 0) {
      throw new ProtocolError("BAD_NAME", `no such process: ${unknown.join(", ")}`);
    }
    const chosen = new Set(names.flatMap((n) => this.#resolve(n) ?? []));
    return this.instances().filter((i) => chosen.has(i)).map((i) => this.#statusOf(i));
  }

  async start(names: readonly string[], options: ActionOptions = {}): Promise<ActionResult[]> {
    const host = this.#depHost();
    const noDeps = options.noDeps === true;
    const targets = this.#resolveAll(names).flatMap(([, found]) => found ?? []);
    // Dependencies begin first (in waves), so each named process finds them under way.
    const deps = noDeps || this.#shuttingDown ? [] : startDependencies(host, targets);
    const results = this.#operatorAct(names, "started", options, (i) => {
      if (this.#shuttingDown) {
        return Promise.resolve({
          name: i.name,
          ok: false,
          state: i.record.state,
          message: "shutting down",
        });
      }
      return startNamed(host, i, noDeps);
    });
    return [...await Promise.all(deps), ...await results];
  }

  stop(names: readonly string[], options: ActionOptions = {}): Promise<ActionResult[]> {
    const targets = this.#resolveAll(names).flatMap(([, found]) => found ?? []);
    return this.#operatorAct(names, "stopped", options, orderedStop(this.#depHost(), targets));
  }

  #depHost(): DepActionsHost {
    return {
      programs: this.#config.programs,
      clock: this.#clock,
      deps: this.#deps,
      state: this.#state,
      instancesOf: (n) => this.#instancesOf(n),
    };
  }

  restart(names: readonly string[], options: ActionOptions = {}): Promise<ActionResult[]> {
    return this.#operatorAct(names, "started", options, (i) => {
      if (this.#shuttingDown) return stopOne(i, this.#clock, "shutdown");
      // A restart does not pull dependencies in, but waits for unmet ones like a start.
      return restartOne(i, this.#clock, startPlanOf(this.#depHost(), i));
    });
  }

  deps(): DepsInfo {
    return depsInfo(this.#config.programs);
  }

  reset(names: readonly string[]): ActionResult[] {
    return resetIntent(this.#state, this.#resolveAll(names));
  }

  signal(signal: string, names: readonly string[]): ActionResult[] {
    const name = parseSendableSignal(signal);
    if (name === null) throw new ProtocolError("BAD_REQUEST", `unknown signal: ${signal}`);
    const results: ActionResult[] = [];
    for (const [label, instances] of this.#resolveAll(names)) {
      if (instances === null) {
        results.push({ name: label, ok: false, state: null, message: "no such process" });
        continue;
      }
      for (const i of instances) {
        const sent = i.signal(name);
        results.push({
          name: i.name,
          ok: sent,
          state: i.record.state,
          message: sent ? `signalled ${name}` : "not running",
        });
      }
    }
    return results;
  }

  reload(options: { dryRun: boolean }): Promise<ReloadResult> {
    if (this.#shuttingDown) {
      return Promise.reject(new ProtocolError("SHUTTING_DOWN", "the daemon is shutting down"));
    }
    if (options.dryRun) return this.#reload(true);
    // Reloads arriving while one runs fold into a single follow-up reload.
    if (this.#reloadQueued !== null) return this.#reloadQueued;
    const run = this.#reloadChain.then(() => {
      this.#reloadQueued = null;
      return this.#reload(false);
    }).then((result) => {
      this.#reloads.ok++;
      return result;
    }, (error) => {
      this.#reloads.failed++;
      throw error;
    });
    this.#reloadQueued = run;
    this.#reloadChain = run.catch(() => undefined);
    return run;
  }

  shutdown(): Promise<void> {
    // Every caller (SIGTERM, `exit`, both at once) waits for the same, single shutdown.
    this.#shutdown ??= this.#stopEverything();
    return this.#shutdown;
  }

  async #stopEverything(): Promise<void> {
    this.#shuttingDown = true;
    const all = this.instances();
    await stopInOrder(this.#config.programs, all, (i) => stopOne(i, this.#clock, "shutdown"));
    await Promise.all(all.map((i) => i.settled()));
    await Promise.all(all.map((i) => i.output.close()));
    this.#pids?.flush();
  }

  info(): SupervisorInfo {
    const now = this.#clock.wall();
    const lost = this.instances().reduce((sum, i) => sum + i.output.lostBytes, 0);
    return {
      version: VERSION,
      apiVersion: API_VERSION,
      pid: Deno.pid,
      startedAt: new Date(this.#startedAt).toISOString(),
      uptimeSeconds: Math.floor((now - this.#startedAt) / 1000),
      configFile: this.#config.path,
      lastReload: this.#lastReload,
      reloads: { ...this.#reloads },
      // Every output's running total: a loss event comes once per episode, so it cannot count.
      logLossBytes: lost,
    };
  }

  tail(name: string, stream: StreamName): Uint8Array {
    return this.#one(name).output.tail(stream);
  }

  followOutput(name: string, stream: StreamName, listener: (chunk: Uint8Array) => void) {
    return this.#one(name).output.follow(stream, listener);
  }

  writeStdin(name: string, data: Uint8Array): Promise<number> {
    return this.#one(name).writeStdin(data);
  }

  // ---- internals ---------------------------------------------------------------------------

  #makeProgram(spec: ProgramSpec): Program {
    return new Program(spec, (s, index, name) => {
      const instance = new Instance({
        spec: s,
        index,
        name,
        hub: this.events,
        spawner: this.#spawner,
        clock: this.#clock,
        output: this.#options.createOutput(s, name, index),
        secretEnv: () => this.#config.daemon.secretEnv,
        onChildChange: () => this.#pids?.schedule(),
        critical: this.#criticalHooks,
      });
      this.#deps.watch(instance);
      return instance;
    });
  }

  readonly #criticalHooks: CriticalHooks = {
    shuttingDown: () => this.#shuttingDown || this.#criticalFired,
    triggered: (instance, decision) => {
      this.#criticalFired = true;
      this.events.emit("ERROR", "critical-exit", {
        process: instance.name,
        program: instance.spec.name,
      }, {
        mode: decision.mode,
        reason: decision.reason,
        code: decision.code,
        signal: decision.signal,
        exitcode: decision.exitCode,
      });
      this.#options.onCritical?.(decision);
    },
  };

  #childPids(): ChildRecord[] {
    return this.instances().flatMap((i) =>
      i.childPid === null
        ? []
        : [{ pid: i.childPid, stopsignal: i.spec.stopsignal, stoptimeMs: i.spec.stoptime * 1000 }]
    );
  }

  /** Instances addressed by one name, or null when the name is unknown. */
  #resolve(name: string): readonly Instance[] | null {
    return selectByName(this.instances(), name, (i) => ({ program: i.spec.name, index: i.index }));
  }

  #resolveAll(names: readonly string[]): [string, readonly Instance[] | null][] {
    const seen = new Set<Instance>();
    return names.map((name) => {
      const found = this.#resolve(name);
      if (found === null) return [name, null];
      const fresh = found.filter((i) => !seen.has(i));
      fresh.forEach((i) => seen.add(i));
      return [name, fresh];
    });
  }

  /** Exactly one instance for `name`, else BAD_NAME. */
  #one(name: string): Instance {
    const found = this.#resolve(name);
    if (found === null) throw new ProtocolError("BAD_NAME", `no such process: ${name}`);
    const [only, ...more] = found;
    if (only === undefined || more.length > 0) {
      throw new ProtocolError("BAD_NAME", `${name} names ${found.length} processes; name one`);
    }
    return only;
  }

  #statusOf(instance: Instance): ProcessStatus {
    return {
      ...instance.status(),
      desired: this.#state.desired(instance.name, instance.spec.autostart),
      held: this.#state.held(instance.name),
    };
  }

  /** True when the instance's desired state is started (override, else autostart). */
  #wants(instance: Instance): boolean {
    return this.#state.desired(instance.name, instance.spec.autostart) === "started";
  }

  /**
   * An explicit operator action: records `desired` for every process it addresses (written
   * before the action starts), then acts. Nothing is recorded once shutdown began, as such an
   * action no longer starts anything. A failed write is reported in each result, never fatal.
   */
  async #operatorAct(
    names: readonly string[],
    desired: DesiredState,
    options: ActionOptions,
    action: (instance: Instance) => Promise<ActionResult>,
  ): Promise<ActionResult[]> {
    const resolved = this.#resolveAll(names);
    const targets = resolved.flatMap(([, instances]) => instances ?? []);
    const unsaved = this.#shuttingDown || targets.length === 0
      ? null
      : this.#state.record(targets.map((i) => i.name), desired, options.by ?? "ctl");
    const results = await this.#act(resolved, action);
    return unsaved === null ? results : withUnsaved(results, unsaved);
  }

  async #act(
    resolved: [string, readonly Instance[] | null][],
    action: (instance: Instance) => Promise<ActionResult>,
  ): Promise<ActionResult[]> {
    const parts = await Promise.all(
      resolved.map(([label, instances]) =>
        instances === null
          ? Promise.resolve([{ name: label, ok: false, state: null, message: "no such process" }])
          : Promise.all(instances.map(action))
      ),
    );
    return parts.flat();
  }

  async #reload(dryRun: boolean): Promise<ReloadResult> {
    const loaded = await this.#options.loadConfig();
    const at = new Date(this.#clock.wall()).toISOString();
    if (!loaded.ok) {
      const message = loaded.errors.map((e) => e.text).join("\n");
      if (!dryRun) {
        this.#lastReload = { at, ok: false, message };
        this.events.emit("ERROR", "reload-failed", null, { reason: message });
      }
      throw new ProtocolError("RELOAD_FAILED", message);
    }
    const diff = diffConfigs(this.#config, loaded.config);
    const plan: ReloadResult = {
      added: diff.added.map((s) => s.name),
      changed: diff.changed.map((c) => c.next.name),
      removed: diff.removed.map((s) => s.name),
      unchanged: diff.unchanged.map((s) => s.name),
    };
    if (dryRun) return plan;
    this.#config = loaded.config;
    await applyDiff(this.#reloadHost(), diff, loaded.config.programs);
    const names = new Set(this.instances().map((i) => i.name));
    this.#state.retain((name) => names.has(name));
    const summary =
      `added=${plan.added.length} changed=${plan.changed.length} removed=${plan.removed.length}`;
    this.#lastReload = { at, ok: true, message: summary };
    this.events.emit("INFO", "reload", null, {
      added: plan.added.join(","),
      changed: plan.changed.join(","),
      removed: plan.removed.join(","),
    });
    this.#options.current?.apply(loaded.config);
    return plan;
  }

  #reloadHost(): ReloadHost {
    const clock = this.#clock;
    const createOutput = this.#options.createOutput;
    return {
      programs: () => this.#programs,
      setPrograms: (table) => {
        this.#programs = table;
      },
      makeProgram: (spec) => this.#makeProgram(spec),
      stop: (instance) => stopOne(instance, clock, "reload"),
      stopSet: (instances) =>
        stopInOrder(this.#config.programs, instances, (i) => stopOne(i, clock, "reload")),
      // A process the operator holds stopped is never started by a reload (docs/state.md);
      // dependencies come first (not held ones either).
      start: (instance) => {
        if (!this.#shuttingDown && !this.#state.heldStopped(instance.name)) {
          this.#startSet([instance]);
        }
      },
      wants: (instance) => this.#wants(instance),
      renewOutput: async (instance, spec) => {
        const old = instance.output;
        instance.output = createOutput(spec, instance.name, instance.index);
        await old.close();
      },
      drop: async (instance) => {
        await instance.settled();
        await instance.output.close();
      },
    };
  }
}
