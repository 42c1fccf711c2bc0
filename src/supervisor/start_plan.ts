/**
 * Who a start brings up (docs/lifecycle.md "Who starts what"): the named processes and, first,
 * every program they depend on, transitively, even when its `autostart` is false. Pure apart
 * from reading instance records.
 */
import { startWaves, transitiveDependencies } from "../config/graph.ts";
import type { ProgramSpec } from "../config/types.ts";
import type { Instance } from "./instance.ts";
import { conditionState } from "./deps.ts";

/** What to start, in start-wave order. */
export interface StartPlanResult {
  /** Dependencies to start, each with the first program that needs it. */
  readonly dependencies: readonly { instance: Instance; dependencyOf: string }[];
  /** The named processes, in start-wave order. */
  readonly targets: readonly Instance[];
}

/** Options of {@link planStart}. */
export interface PlanOptions {
  /** False at daemon start and reload: a dependency held stopped is left alone. */
  readonly pullHeld: boolean;
  readonly heldStopped: (name: string) => boolean;
}

/** States in which a dependency is already on its way up (or done, for `completed`). */
const UNDER_WAY = new Set(["STARTING", "RUNNING", "WAITING", "BACKOFF", "STOPPING"]);

/**
 * Plans a start of `targets` over the whole config `specs`: the dependency programs not yet on
 * their way up come first, in waves. A `completed` dependency that already completed is not
 * run again (its condition holds until it is started again).
 */
export function planStart(
  specs: readonly ProgramSpec[],
  targets: readonly Instance[],
  instancesOf: (program: string) => readonly Instance[],
  options: PlanOptions,
): StartPlanResult {
  const targetPrograms = new Set(targets.map((i) => i.spec.name));
  const needed = transitiveDependencies(specs, targetPrograms);
  const firstUser = new Map<string, string>();
  for (const spec of specs) {
    if (!targetPrograms.has(spec.name) && !needed.has(spec.name)) continue;
    for (const dep of spec.dependsOn) {
      if (!firstUser.has(dep.name)) firstUser.set(dep.name, spec.name);
    }
  }
  const completedOnly = new Set(
    [...needed].filter((name) =>
      specs.every((s) => s.dependsOn.every((d) => d.name !== name || d.condition === "completed"))
    ),
  );
  const dependencies: { instance: Instance; dependencyOf: string }[] = [];
  const ordered: Instance[] = [];
  for (const wave of startWaves(specs)) {
    for (const name of wave) {
      if (needed.has(name) && !targetPrograms.has(name)) {
        const instances = instancesOf(name);
        if (
          completedOnly.has(name) &&
          conditionState({ name, condition: "completed" }, instances).kind === "met"
        ) continue;
        for (const i of instances) {
          if (UNDER_WAY.has(i.record.state)) continue;
          if (!options.pullHeld && options.heldStopped(i.name)) continue;
          dependencies.push({ instance: i, dependencyOf: firstUser.get(name) ?? name });
        }
      }
      if (targetPrograms.has(name)) ordered.push(...targets.filter((i) => i.spec.name === name));
    }
  }
  return { dependencies, targets: ordered };
}
