/**
 * Provenance for export notes (docs/export.md "Notes"): which keys the file actually writes,
 * per program and for the `taskmaster:` section. The resolved specs hold defaults and written
 * values alike, and a default must cause no note. Read after validation succeeded, with a
 * throwaway error collector: the maps were already checked, so nothing is reported twice.
 */
import { ErrorCollector } from "./error_collector.ts";
import { DAEMON_KEYS, PROGRAM_KEYS, TOP_KEYS } from "./key_table.ts";
import type { WrittenKeys } from "./types.ts";
import { type Ctx, isNullNode, MERGE_BUDGET, readMap } from "./yaml_nodes.ts";

/** The keys `ctx`'s document writes (merge keys count as written). */
export function writtenKeys(ctx: Ctx): WrittenKeys {
  const quiet: Ctx = { ...ctx, errors: new ErrorCollector("", null), mergeBudget: MERGE_BUDGET };
  const programs: Record<string, readonly string[]> = Object.create(null);
  let daemon: string[] = [];
  const top = readMap(quiet, quiet.src.doc.contents, "", TOP_KEYS);
  const section = top?.get("taskmaster");
  if (section !== undefined && !isNullNode(section.value)) {
    daemon = [...readMap(quiet, section.value, "taskmaster", DAEMON_KEYS)?.keys() ?? []].sort();
  }
  const list = top?.get("programs");
  if (list !== undefined && !isNullNode(list.value)) {
    for (const [name, entry] of readMap(quiet, list.value, "programs", null) ?? []) {
      const keys = readMap(quiet, entry.value, entry.path, PROGRAM_KEYS)?.keys() ?? [];
      programs[name] = [...keys].sort();
    }
  }
  return { daemon, programs };
}
