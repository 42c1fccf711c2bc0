/**
 * The state file's format (docs/state.md "File format"): parsing that refuses anything but
 * version 1 with well-formed entries, and a stable serialisation. Pure: no I/O, no clock.
 */
import type { DesiredState } from "../protocol/types.ts";

/** The only file version this daemon reads and writes. */
export const STATE_VERSION = 1;

/** Who recorded an override: the controller (and raw API), the web page, or a dependency pull. */
export type OverrideBy = "ctl" | "web" | "dependency";

/** One operator override. */
export interface Override {
  readonly desired: DesiredState;
  /** ISO-8601 UTC time the override was recorded. */
  readonly since: string;
  readonly by: OverrideBy;
}

/** Overrides by process name (`web`, `web:1`). */
export type Overrides = ReadonlyMap<string, Override>;

const BY_VALUES: readonly string[] = ["ctl", "web", "dependency"];
const DESIRED_VALUES: readonly string[] = ["started", "stopped"];

/** The file's text for `overrides`, saved at `savedAt` (ISO). Names are written sorted. */
export function serializeState(overrides: Overrides, savedAt: string): string {
  const processes: Record<string, Override> = {};
  for (const name of [...overrides.keys()].sort()) {
    const o = overrides.get(name)!;
    processes[name] = { desired: o.desired, since: o.since, by: o.by };
  }
  return JSON.stringify({ version: STATE_VERSION, savedAt, processes }, null, 2) + "\n";
}

/** Outcome of parsing: the overrides, or why the file is unusable. */
export type ParseResult =
  | { readonly ok: true; readonly overrides: Map<string, Override> }
  | { readonly ok: false; readonly reason: string };

/**
 * Parses a state file's text. Anything but a version-1 object whose every entry is well formed
 * is refused with a reason: a half-understood file is set aside rather than partly applied.
 */
export function parseState(text: string): ParseResult {
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `not valid JSON (${(error as Error).message})` };
  }
  if (!isObject(root)) return { ok: false, reason: "not a JSON object" };
  if (root.version !== STATE_VERSION) {
    return { ok: false, reason: `unknown version ${JSON.stringify(root.version) ?? "(none)"}` };
  }
  const processes = root.processes;
  if (!isObject(processes)) return { ok: false, reason: "processes: must be an object" };
  const overrides = new Map<string, Override>();
  for (const name of Object.keys(processes)) {
    const entry = processes[name];
    const problem = entryProblem(entry);
    if (problem !== null) {
      return { ok: false, reason: `processes.${name}: ${problem}` };
    }
    const o = entry as Record<string, string>;
    overrides.set(name, {
      desired: o.desired as DesiredState,
      since: o.since!,
      by: o.by as OverrideBy,
    });
  }
  return { ok: true, overrides };
}

function entryProblem(entry: unknown): string | null {
  if (!isObject(entry)) return "must be an object";
  if (!DESIRED_VALUES.includes(entry.desired as string)) {
    return "desired must be started or stopped";
  }
  if (typeof entry.since !== "string" || Number.isNaN(Date.parse(entry.since))) {
    return "since must be an ISO time";
  }
  if (!BY_VALUES.includes(entry.by as string)) return "by must be ctl, web or dependency";
  return null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
