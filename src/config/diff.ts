/**
 * Pure comparison of two resolved configs, program by program (docs/reload.md "The plan").
 * Programs are matched by name through a Map, so names like `__proto__` are ordinary keys.
 */
import type { Config, ProgramSpec } from "./types.ts";

/** Fields that shape the process: any change restarts every instance. */
export const SHAPING_FIELDS = [
  "argv",
  "env",
  "workingdir",
  "umask",
  "identity",
  "stdout",
  "stderr",
  "logmaxbytes",
  "logbackups",
] as const satisfies readonly (keyof ProgramSpec)[];

/** A program present in both configs whose spec differs (besides its position). */
export interface ProgramChange {
  readonly old: ProgramSpec;
  readonly next: ProgramSpec;
  /** True when a shaping field changed: every instance must be restarted. */
  readonly restart: boolean;
}

/** The reload plan. `unchanged` holds the *new* specs (their `order` may have moved). */
export interface ConfigDiff {
  readonly added: ProgramSpec[];
  readonly removed: ProgramSpec[];
  readonly unchanged: ProgramSpec[];
  readonly changed: ProgramChange[];
}

/** Compares `old` and `next` program by program; lists follow file order. */
export function diffConfigs(old: Config, next: Config): ConfigDiff {
  const before = new Map(old.programs.map((spec) => [spec.name, spec]));
  const after = new Map(next.programs.map((spec) => [spec.name, spec]));
  const diff: ConfigDiff = { added: [], removed: [], unchanged: [], changed: [] };
  for (const spec of next.programs) {
    const prev = before.get(spec.name);
    if (prev === undefined) diff.added.push(spec);
    else if (specsEqual(prev, spec)) diff.unchanged.push(spec);
    else diff.changed.push({ old: prev, next: spec, restart: shapingChanged(prev, spec) });
  }
  for (const spec of old.programs) {
    if (!after.has(spec.name)) diff.removed.push(spec);
  }
  return diff;
}

/** True when a shaping field differs between the two specs. */
export function shapingChanged(a: ProgramSpec, b: ProgramSpec): boolean {
  return SHAPING_FIELDS.some((field) => !deepEqual(a[field], b[field]));
}

/** Structural equality ignoring `order` (moving a program in the file changes nothing). */
export function specsEqual(a: ProgramSpec, b: ProgramSpec): boolean {
  return deepEqual({ ...a, order: 0 }, { ...b, order: 0 });
}

/** Structural equality of plain JSON-like values (resolved specs hold nothing else). */
function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  if (keysA.length !== keysB.length) return false;
  const recordA = a as Record<string, unknown>;
  const recordB = b as Record<string, unknown>;
  return keysA.every((key) => Object.hasOwn(recordB, key) && deepEqual(recordA[key], recordB[key]));
}
