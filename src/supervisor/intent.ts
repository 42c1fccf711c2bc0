/**
 * How operator intent shows in action results (docs/state.md): the `reset` answers and the
 * `not saved: REASON` suffix of an action whose state-file write failed.
 */
import type { ActionResult } from "../protocol/types.ts";
import type { StateStore } from "../state/store.ts";
import type { Instance } from "./instance.ts";

/** Removes the overrides of the resolved processes and answers one result per process. */
export function resetIntent(
  state: StateStore,
  resolved: readonly [string, readonly Instance[] | null][],
): ActionResult[] {
  const targets = resolved.flatMap(([, instances]) => instances ?? []);
  const { removed, error } = state.reset(targets.map((i) => i.name));
  const results = resolved.flatMap(([label, instances]): ActionResult[] =>
    instances === null
      ? [{ name: label, ok: false, state: null, message: "no such process" }]
      : instances.map((i) => ({
        name: i.name,
        ok: true,
        state: i.record.state,
        message: removed.includes(i.name)
          ? `override removed (desired ${state.desired(i.name, i.spec.autostart)})`
          : "no override",
      }))
  );
  return error === null ? results : withUnsaved(results, error);
}

/** Appends the state file's write failure to each result that addressed a process. */
export function withUnsaved(results: ActionResult[], reason: string): ActionResult[] {
  return results.map((r) =>
    r.state === null ? r : { ...r, message: `${r.message}; not saved: ${reason}` }
  );
}
