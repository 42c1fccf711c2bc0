/**
 * Stopping a set of processes in dependency order (docs/lifecycle.md "Stop order"): a program's
 * processes get their stop signal only once every dependent in the set has stopped; independent
 * ones stop in parallel.
 */
import { stopBlockers } from "../config/graph.ts";
import type { ProgramSpec } from "../config/types.ts";
import type { Instance } from "./instance.ts";

/**
 * Stops `instances` with `stop`, ordered over `specs` (the whole config, so chains through
 * programs outside the set still order it). Resolves with every result, in the input order.
 */
export async function stopInOrder<T>(
  specs: readonly ProgramSpec[],
  instances: readonly Instance[],
  stop: (instance: Instance) => Promise<T>,
): Promise<T[]> {
  const byProgram = new Map<string, Instance[]>();
  for (const i of instances) {
    const list = byProgram.get(i.spec.name) ?? [];
    list.push(i);
    byProgram.set(i.spec.name, list);
  }
  // The instances' own specs too: a reload stops removed programs the new config lacks.
  const graph = new Map(specs.map((s) => [s.name, s]));
  for (const i of instances) if (!graph.has(i.spec.name)) graph.set(i.spec.name, i.spec);
  const blockers = stopBlockers([...graph.values()], new Set(byProgram.keys()));
  const done = new Map<string, Promise<void>>();
  const results = new Map<Instance, T>();
  const stopProgram = (name: string): Promise<void> => {
    const known = done.get(name);
    if (known !== undefined) return known;
    const run = (async () => {
      await Promise.all((blockers.get(name) ?? []).map(stopProgram));
      await Promise.all((byProgram.get(name) ?? []).map(async (i) => {
        results.set(i, await stop(i));
      }));
    })();
    done.set(name, run);
    return run;
  };
  await Promise.all([...byProgram.keys()].map(stopProgram));
  return instances.map((i) => results.get(i)!);
}
