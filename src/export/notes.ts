/**
 * Notes of one export: for every key the config writes, its fate from mapping.ts (exact keys
 * give none), plus the value-level notes a renderer adds (a dropped variable, a program left
 * out). Sorted by key, then message, so output is reproducible.
 */
import { PROGRAM_DEFAULTS } from "../config/key_table.ts";
import type { Config, ProgramSpec } from "../config/types.ts";
import type { ExportNote, ExportTarget, NoteKind } from "../protocol/export.ts";
import { daemonDropReason, programRule } from "./mapping.ts";

/** Collects notes; {@link NoteSink.sorted} gives the final list. */
export class NoteSink {
  #notes: ExportNote[] = [];

  add(key: string, kind: NoteKind, message: string): void {
    this.#notes.push({ key, kind, message });
  }

  /** Notes sorted by key, then kind, then message, without duplicates. */
  sorted(): ExportNote[] {
    const seen = new Set<string>();
    return this.#notes
      .filter((n) => {
        const id = `${n.key}\0${n.kind}\0${n.message}`;
        return seen.has(id) ? false : (seen.add(id), true);
      })
      .sort((a, b) => cmp(a.key, b.key) || cmp(a.kind, b.kind) || cmp(a.message, b.message));
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Keys of `spec` the file writes; without provenance, the keys that differ from a default. */
export function writtenProgramKeys(config: Config, spec: ProgramSpec): readonly string[] {
  const recorded = config.written?.programs[spec.name];
  if (recorded !== undefined) return recorded;
  const keys = ["cmd"];
  for (const [key, value] of Object.entries(PROGRAM_DEFAULTS)) {
    const own = (spec as unknown as Record<string, unknown>)[key];
    if (JSON.stringify(own) !== JSON.stringify(value)) keys.push(key);
  }
  if (spec.umask !== null) keys.push("umask");
  if (spec.workingdir !== null) keys.push("workingdir");
  if (spec.stdout.kind !== "memory") keys.push("stdout");
  if (spec.stderr.kind !== "memory") keys.push("stderr");
  if (Object.keys(spec.env).length > 0) keys.push("env");
  if (spec.identity !== null) keys.push("uid");
  if (spec.dependsOn.length > 0) keys.push("depends_on");
  if (spec.ready !== null) keys.push("ready");
  if (spec.health !== null) keys.push("health");
  return keys.sort();
}

/** Adds the key-level notes of every program and of the `taskmaster:` section. */
export function keyNotes(config: Config, target: ExportTarget, sink: NoteSink): void {
  for (const key of config.written?.daemon ?? []) {
    const reason = daemonDropReason(key, target);
    if (reason !== null) sink.add(`taskmaster.${key}`, "dropped", reason);
  }
  for (const spec of config.programs) {
    for (const key of writtenProgramKeys(config, spec)) {
      const fate = programRule(key)?.[target](spec);
      if (fate !== undefined && fate !== "exact") {
        sink.add(`${spec.name}.${key}`, fate.kind, fate.message);
      }
    }
  }
}
