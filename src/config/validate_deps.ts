/**
 * `depends_on` of one program, and the checks across programs (docs/config.md "depends_on"):
 * unknown names, `all` and instance names, conditions the dependency cannot meet, and cycles.
 */
import { isMap, isScalar, isSeq } from "yaml";
import { closestKey } from "./did_you_mean.ts";
import { findCycles } from "./graph.ts";
import { DEPENDENCY_CONDITIONS } from "./key_table.ts";
import type { Dependency, ProgramSpec } from "./types.ts";
import { type Ctx, deref, type Entry, got, isNullNode, offsetOf, readMap } from "./yaml_nodes.ts";

/** Where one dependency was written, for errors found across programs. */
export interface DependencySite {
  /** `programs.web.depends_on.db` (map form) or `programs.web.depends_on[0]` (list form). */
  readonly path: string;
  readonly offset: number;
}

/** One program's parsed `depends_on`: the edges and where each was written (same order). */
export interface DependsOn {
  readonly deps: Dependency[];
  readonly sites: DependencySite[];
}

function conditionOf(v: unknown): Dependency["condition"] | undefined {
  return DEPENDENCY_CONDITIONS.find((c) => c === v);
}

/** `depends_on:` list of names (condition started) or map name → condition; absent: none. */
export function readDependsOn(ctx: Ctx, e: Entry | undefined): DependsOn | undefined {
  const out: DependsOn = { deps: [], sites: [] };
  if (e === undefined || isNullNode(e.value)) return out;
  let ok = true;
  const add = (name: string, condition: Dependency["condition"], site: DependencySite) => {
    if (out.deps.some((d) => d.name === name)) {
      ctx.errors.at(site.offset, site.path, `${name} is listed twice`);
      ok = false;
      return;
    }
    out.deps.push({ name, condition });
    out.sites.push(site);
  };
  if (isSeq(e.value)) {
    e.value.items.forEach((item, i) => {
      const n = deref(ctx, item);
      const path = `${e.path}[${i}]`;
      if (!isScalar(n) || typeof n.value !== "string" || n.value === "") {
        ctx.errors.at(offsetOf(n ?? item), path, `must be a program name ${got(ctx, n)}`);
        ok = false;
        return;
      }
      add(n.value, "started", { path, offset: offsetOf(n) });
    });
  } else if (isMap(e.value)) {
    const m = readMap(ctx, e.value, e.path, null, e.offset);
    if (m === null) return undefined;
    for (const [name, v] of m) {
      const condition = isScalar(v.value) ? conditionOf(v.value.value) : undefined;
      if (condition === undefined) {
        ctx.errors.at(v.offset, v.path, `must be started, ready or completed ${got(ctx, v.value)}`);
        ok = false;
        continue;
      }
      add(name, condition, { path: v.path, offset: v.keyOffset });
    }
  } else {
    ctx.errors.at(
      e.offset,
      e.path,
      `must be a list of program names or a map of name: condition ${got(ctx, e.value)}`,
    );
    return undefined;
  }
  return ok ? out : undefined;
}

/**
 * Checks every program's edges against the whole file. `names` holds every program written
 * (valid or not, so a broken program is not also reported as unknown); `specs` the valid ones.
 */
export function checkDependencies(
  ctx: Ctx,
  names: readonly string[],
  specs: readonly ProgramSpec[],
  sites: ReadonlyMap<string, readonly DependencySite[]>,
): void {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const known = new Set(names);
  let edgesOk = true;
  for (const spec of specs) {
    spec.dependsOn.forEach((dep, i) => {
      const site = sites.get(spec.name)?.[i];
      if (site === undefined) return;
      const problem = edgeProblem(dep, known, names, byName.get(dep.name));
      if (problem !== null) {
        ctx.errors.at(site.offset, site.path, problem);
        edgesOk = false;
      }
    });
  }
  // A cycle through an unknown name cannot exist; skip the search when edges are broken so one
  // mistake gives one message.
  if (!edgesOk) return;
  for (const cycle of findCycles(specs)) {
    const site = sites.get(cycle.program)?.[cycle.index];
    if (site === undefined) continue;
    ctx.errors.at(site.offset, site.path, `dependency cycle: ${cycle.path.join(" -> ")}`);
  }
}

function edgeProblem(
  dep: Dependency,
  known: ReadonlySet<string>,
  names: readonly string[],
  target: ProgramSpec | undefined,
): string | null {
  if (dep.name === "all") return `cannot depend on "all": depend on the program, not one instance`;
  if (!known.has(dep.name)) {
    const program = dep.name.includes(":") ? dep.name.slice(0, dep.name.lastIndexOf(":")) : null;
    if (program !== null && known.has(program)) {
      return `depend on the program, not one instance (write "${program}")`;
    }
    const hint = closestKey(dep.name, names);
    return `unknown program "${dep.name}"` + (hint === null ? "" : ` (did you mean "${hint}"?)`);
  }
  if (target === undefined) return null;
  if (dep.condition === "ready" && target.ready === null) {
    return `condition ready needs a ready check on ${dep.name} (add ready: to it, or use started)`;
  }
  if (dep.condition === "completed" && target.autorestart === "always") {
    return `condition completed needs ${dep.name} to end, but it has autorestart: true`;
  }
  return null;
}
