/**
 * Small helpers over the daemon harness for the battery: typed status, waiting for a state,
 * and a config builder with `http: false`.
 */
import type { DaemonHandle } from "../../helpers/daemon_harness.ts";
import { waitFor } from "../../helpers/wait_for.ts";
import type { ProcessStatus } from "../../../src/protocol/types.ts";

/** `taskmaster: {http: false}` plus the given `programs:` body (already indented 2). */
export function daemonConfig(programs: string, taskmaster = ""): string {
  return `taskmaster:\n  http: false\n${taskmaster}programs:\n${programs}`;
}

/** Status of every process, by name. */
export async function statusMap(
  daemon: Pick<DaemonHandle, "call">,
): Promise<Map<string, ProcessStatus>> {
  const reply = await daemon.call("status", {});
  if (!reply.ok) throw new Error(`status failed: ${JSON.stringify(reply)}`);
  return new Map((reply.result as ProcessStatus[]).map((p) => [p.name, p]));
}

/** Waits until process `name` is in one of `states`; returns its status. */
export async function waitState(
  daemon: Pick<DaemonHandle, "call">,
  name: string,
  states: readonly string[],
  timeoutMs = 10_000,
): Promise<ProcessStatus> {
  let last: ProcessStatus | undefined;
  return await waitFor(async () => {
    last = (await statusMap(daemon)).get(name);
    return last && states.includes(last.state) ? last : null;
  }, { timeoutMs, what: () => `${name} in ${states.join("|")} (last ${JSON.stringify(last)})` });
}
