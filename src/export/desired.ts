/**
 * Desired states of an export: the config's `autostart`, or operator intent when the caller
 * passes it (`taskmasterctl export` renders the live daemon's). Keys are process names
 * (`prog:2`) or program names (`prog`); a process name wins over its program's.
 */
import type { ProgramSpec } from "../config/types.ts";

/** A wanted state per process or program name. */
export type DesiredStates = Readonly<Record<string, "started" | "stopped">>;

/** The process names of `spec` (`prog` for one instance, `prog:N` for several). */
export function processNames(spec: ProgramSpec): string[] {
  if (spec.numprocs === 1) return [spec.name];
  return Array.from({ length: spec.numprocs }, (_, i) => `${spec.name}:${i}`);
}

/** True when instance `index` of `spec` should run. */
export function wantsStarted(
  spec: ProgramSpec,
  index: number,
  desired: DesiredStates | undefined,
): boolean {
  const own = desired === undefined ? undefined : lookup(desired, processNames(spec)[index]!);
  const program = desired === undefined ? undefined : lookup(desired, spec.name);
  const state = own ?? program;
  return state === undefined ? spec.autostart : state === "started";
}

function lookup(desired: DesiredStates, key: string): "started" | "stopped" | undefined {
  return Object.hasOwn(desired, key) ? desired[key] : undefined;
}
