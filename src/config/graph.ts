/**
 * The dependency graph of `depends_on` (docs/lifecycle.md "Start order"): pure functions over
 * programs in file order. The validator finds cycles with it; the supervisor orders starts and
 * stops with it; `taskmasterctl deps` prints its start waves.
 */
import type { Dependency } from "./types.ts";

/** What the graph needs of a program. */
export interface GraphNode {
  readonly name: string;
  readonly dependsOn: readonly Dependency[];
}

/** A cycle found at the edge that closes it: `program`'s `index`-th dependency. */
export interface CycleFound {
  readonly program: string;
  readonly index: number;
  /** Names along the cycle, first repeated at the end: `["a", "b", "c", "a"]`. */
  readonly path: readonly string[];
}

/**
 * Every cycle, each reported once at its closing edge: depth-first over programs in the given
 * (file) order and their dependencies in written order. Unknown names are skipped.
 */
export function findCycles(nodes: readonly GraphNode[]): CycleFound[] {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const found: CycleFound[] = [];
  const visit = (node: GraphNode): void => {
    state.set(node.name, "open");
    stack.push(node.name);
    node.dependsOn.forEach((dep, index) => {
      const target = byName.get(dep.name);
      if (target === undefined) return;
      const s = state.get(dep.name);
      if (s === "open") {
        const from = stack.lastIndexOf(dep.name);
        found.push({ program: node.name, index, path: [...stack.slice(from), dep.name] });
      } else if (s === undefined) {
        visit(target);
      }
    });
    stack.pop();
    state.set(node.name, "done");
  };
  for (const node of nodes) if (!state.has(node.name)) visit(node);
  return found;
}

/**
 * Start waves of an acyclic graph: wave 0 depends on nothing, wave k only on earlier waves.
 * Within a wave, file order. Programs on a cycle (never in a valid config) are left out.
 */
export function startWaves(nodes: readonly GraphNode[]): string[][] {
  const known = new Set(nodes.map((n) => n.name));
  const placed = new Set<string>();
  const waves: string[][] = [];
  let rest = [...nodes];
  while (rest.length > 0) {
    const wave = rest.filter((n) =>
      n.dependsOn.every((d) => placed.has(d.name) || !known.has(d.name))
    );
    if (wave.length === 0) break;
    for (const n of wave) placed.add(n.name);
    waves.push(wave.map((n) => n.name));
    rest = rest.filter((n) => !placed.has(n.name));
  }
  return waves;
}

/** Every program `names` depend on, directly or not (not `names` themselves unless on a path). */
export function transitiveDependencies(
  nodes: readonly GraphNode[],
  names: Iterable<string>,
): Set<string> {
  return closure(new Map(nodes.map((n) => [n.name, n])), names);
}

function closure(byName: ReadonlyMap<string, GraphNode>, names: Iterable<string>): Set<string> {
  const out = new Set<string>();
  const todo = [...names];
  while (todo.length > 0) {
    const node = byName.get(todo.pop()!);
    for (const dep of node?.dependsOn ?? []) {
      if (out.has(dep.name) || !byName.has(dep.name)) continue;
      out.add(dep.name);
      todo.push(dep.name);
    }
  }
  return out;
}

/** Programs that depend directly on `name`, in file order. */
export function dependentsOf(nodes: readonly GraphNode[], name: string): string[] {
  return [...(dependentsIndex(nodes).get(name) ?? [])];
}

/** Every program → the programs that depend on it directly (each once, in file order): one pass. */
export function dependentsIndex(nodes: readonly GraphNode[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const n of nodes) {
    for (const name of new Set(n.dependsOn.map((d) => d.name))) {
      const list = out.get(name);
      if (list === undefined) out.set(name, [n.name]);
      else list.push(n.name);
    }
  }
  return out;
}

/**
 * For stopping the set `names`: each member → the members that depend on it (directly, or
 * through programs outside the set, so a chain a ← b ← c stopped as {a, c} still stops c
 * first). A member is signalled only once all of its blockers have stopped.
 */
export function stopBlockers(
  nodes: readonly GraphNode[],
  names: ReadonlySet<string>,
): Map<string, string[]> {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const out = new Map<string, string[]>([...names].map((name) => [name, []]));
  for (const member of names) {
    if (byName.get(member)?.dependsOn.length === 0) continue;
    for (const dep of closure(byName, [member])) {
      if (dep !== member) out.get(dep)?.push(member);
    }
  }
  return out;
}
