/**
 * Start order among programs (docs/lifecycle.md "Start order and dependencies"): which unmet
 * conditions a start waits for, moving WAITING processes on when their dependencies change, and
 * failing them when a dependency fails. Running processes are never touched (no propagation).
 */
import type { Dependency, ProgramSpec } from "../config/types.ts";
import { describeExit, isExpected } from "./policy.ts";
import type { Instance } from "./instance.ts";
import type { ProcState } from "./states.ts";

/** How one dependency condition stands right now. */
export type ConditionState =
  | { readonly kind: "met" }
  | { readonly kind: "pending" }
  | { readonly kind: "failed"; readonly dependency: string; readonly reason: string };

/** What the coordinator reads of the supervisor. */
export interface DepsHost {
  /** The instances of program `name` (empty when unknown). */
  instancesOf(name: string): readonly Instance[];
  /** Every instance, for re-evaluating the waiting ones. */
  instances(): readonly Instance[];
  /** True when the operator holds this process stopped (docs/state.md). */
  heldStopped(name: string): boolean;
}

/** `db (ready)`: how a waiting condition is shown in status and events. */
export function conditionLabel(dep: Dependency): string {
  return `${dep.name} (${dep.condition})`;
}

/**
 * The state of one condition over every instance of the dependency: `started`/`ready` need all
 * RUNNING (RUNNING already means ready when it has a check); `completed` needs all EXITED with
 * an expected code. A FATAL instance, or an ending that can no longer meet the condition, fails.
 */
export function conditionState(dep: Dependency, instances: readonly Instance[]): ConditionState {
  let met = instances.length > 0;
  for (const i of instances) {
    const r = i.record;
    if (r.state === "FATAL") return { kind: "failed", dependency: i.name, reason: "is FATAL" };
    if (dep.condition === "completed") {
      if (r.state === "EXITED" && r.lastExit !== null) {
        if (isExpected(r.lastExit, i.spec.exitcodes)) continue;
        return { kind: "failed", dependency: dep.name, reason: exitReason(r.lastExit) };
      }
      met = false;
      continue;
    }
    if (r.state === "EXITED" && r.lastExit !== null) {
      return { kind: "failed", dependency: dep.name, reason: exitReason(r.lastExit) };
    }
    if (r.state !== "RUNNING") met = false;
  }
  return met ? { kind: "met" } : { kind: "pending" };
}

function exitReason(exit: { code: number | null; signal: string | null }): string {
  return exit.signal === null ? `exited with status ${exit.code}` : describeExit(exit);
}

/** Where a start stands: unmet labels, a failure, and the held dependency if one blocks it. */
export interface Evaluation {
  readonly waitingOn: string[];
  readonly failed: { dependency: string; reason: string } | null;
  /** A dependency held stopped by the operator that nothing will start. */
  readonly held: string | null;
}

/** Evaluates every condition of `spec`. */
export function evaluate(host: DepsHost, spec: ProgramSpec): Evaluation {
  const waitingOn: string[] = [];
  let held: string | null = null;
  for (const dep of spec.dependsOn) {
    const instances = host.instancesOf(dep.name);
    const state = conditionState(dep, instances);
    if (state.kind === "failed") {
      return { waitingOn, failed: { dependency: state.dependency, reason: state.reason }, held };
    }
    if (state.kind === "pending") {
      waitingOn.push(conditionLabel(dep));
      const idle = instances.find((i) => i.record.state === "STOPPED" && host.heldStopped(i.name));
      if (idle !== undefined && held === null) held = dep.name;
    }
  }
  return { waitingOn, failed: null, held };
}

/**
 * Watches every instance and moves WAITING ones on: DEPS_MET when all conditions hold,
 * DEP_FAILED when one failed, or a START with the shorter list as conditions are met.
 */
export class DependencyCoordinator {
  readonly #host: DepsHost;
  readonly #seen = new Map<Instance, ProcState>();
  /**
   * How many watched instances are WAITING: with none, a change has nobody to move on, and the
   * scans of every instance (one per change: O(n²) over a 100-process stop) are skipped.
   */
  #waiting = 0;
  #scheduled = false;

  constructor(host: DepsHost) {
    this.#host = host;
  }

  /** Starts `instance`, or puts it in WAITING with its unmet conditions. */
  begin(instance: Instance): void {
    const e = evaluate(this.#host, instance.spec);
    if (e.failed !== null) {
      // Waiting first makes the failure visible in the same way as a later one.
      instance.dispatch({ type: "START", waitingOn: [e.failed.dependency] });
      instance.dispatch({ type: "DEP_FAILED", ...e.failed });
      return;
    }
    if (e.waitingOn.length === 0) return instance.dispatch({ type: "START" });
    instance.dispatch({
      type: "START",
      waitingOn: e.waitingOn,
      ...(e.held === null ? {} : { waitReason: `${e.held} is held stopped` }),
    });
  }

  /** Registers an instance: its changes re-evaluate the waiting ones. */
  watch(instance: Instance): void {
    this.#seen.set(instance, instance.record.state);
    if (instance.record.state === "WAITING") this.#waiting++;
    instance.onChange((record) => {
      const before = this.#seen.get(instance);
      this.#seen.set(instance, record.state);
      if (before === record.state) return;
      if (before === "WAITING") this.#waiting--;
      if (record.state === "WAITING") this.#waiting++;
      if (record.state === "STOPPED" && before !== undefined && before !== "STOPPED") {
        this.#failDependents(instance, "was stopped");
      }
      this.#schedule();
    });
  }

  /** Forgets a dropped instance. */
  forget(instance: Instance): void {
    if (this.#seen.get(instance) === "WAITING") this.#waiting--;
    this.#seen.delete(instance);
  }

  /** An operator stopped a dependency: whoever waits for it cannot start (FATAL). */
  #failDependents(dependency: Instance, reason: string): void {
    if (this.#waiting === 0) return;
    for (const i of this.#host.instances()) {
      if (i.record.state !== "WAITING") continue;
      if (!i.spec.dependsOn.some((d) => d.name === dependency.spec.name)) continue;
      i.dispatch({ type: "DEP_FAILED", dependency: dependency.name, reason });
    }
  }

  /** Re-evaluation runs once after a burst of changes (a dispatch never re-enters another). */
  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      this.#scheduled = false;
      this.reevaluate();
    });
  }

  /** Moves every WAITING instance on according to its dependencies now. */
  reevaluate(): void {
    if (this.#waiting === 0) return;
    for (const i of this.#host.instances()) {
      if (i.record.state !== "WAITING") continue;
      const e = evaluate(this.#host, i.spec);
      if (e.failed !== null) i.dispatch({ type: "DEP_FAILED", ...e.failed });
      else if (e.waitingOn.length === 0) i.dispatch({ type: "DEPS_MET" });
      else if (e.waitingOn.join() !== i.record.waitingOn.join()) {
        i.dispatch({
          type: "START",
          waitingOn: e.waitingOn,
          ...(e.held === null ? {} : { waitReason: `${e.held} is held stopped` }),
        });
      }
    }
  }
}

/** A wait without bound (a `completed` dependency): `start` waits until it ends (a day). */
const UNBOUNDED_MS = 24 * 3600 * 1000;

/**
 * The extra time a start may spend WAITING: the windows of the dependencies along the longest
 * chain (`window(spec)` is one program's own start window).
 */
export function waitWindowMs(
  specs: ReadonlyMap<string, ProgramSpec>,
  spec: ProgramSpec,
  window: (spec: ProgramSpec) => number,
  seen: ReadonlySet<string> = new Set(),
): number {
  let longest = 0;
  for (const dep of spec.dependsOn) {
    const target = specs.get(dep.name);
    if (target === undefined || seen.has(dep.name)) continue;
    if (dep.condition === "completed") return UNBOUNDED_MS;
    const chain = window(target) +
      waitWindowMs(specs, target, window, new Set([...seen, spec.name]));
    longest = Math.max(longest, chain);
  }
  return Math.min(longest, UNBOUNDED_MS);
}
