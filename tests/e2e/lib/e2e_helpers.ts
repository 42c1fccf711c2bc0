/**
 * Shared helpers for the cross-component end-to-end tests that run the real `taskmasterd`:
 * running `taskmasterctl` against a daemon's socket, reading `status`, waiting for states, and
 * finding the web page's URL from the daemon's event log.
 */
import type { ProcessStatus } from "../../../src/protocol/types.ts";
import type { DaemonHandle } from "../../helpers/daemon_harness.ts";
import { ctl, type CtlRun } from "../../integration/ctl/harness.ts";
import { waitFor } from "../../helpers/wait_for.ts";

/** Folder of the fixture programs that only these tests use. */
export const E2E_BIN = new URL("../fixtures/", import.meta.url).pathname;

/** One element of `status --json` (the wire type, docs/cli.md "status --json"). */
export type ProcStatus = ProcessStatus;

/** Runs `taskmasterctl -s SOCKET ARGS…` as a subprocess and returns code and output. */
export function ctlAt(daemon: DaemonHandle, args: string[]): Promise<CtlRun> {
  return ctl(["-s", daemon.socket, ...args]);
}

/** The daemon's status array through the control API (also records child pids for cleanup). */
export async function statusOf(daemon: DaemonHandle): Promise<ProcStatus[]> {
  const reply = await daemon.call("status", {});
  if (!reply.ok) throw new Error(`status failed: ${JSON.stringify(reply.error)}`);
  return reply.result as ProcStatus[];
}

/** Waits until every named process is in its wanted state; resolves with the status map. */
export async function waitStates(
  daemon: DaemonHandle,
  wanted: Record<string, string>,
  timeoutMs = 10_000,
): Promise<Map<string, ProcStatus>> {
  let last = "";
  try {
    return await waitFor(async () => {
      const map = new Map((await statusOf(daemon)).map((p) => [p.name, p]));
      last = [...map.values()].map((p) => `${p.name}=${p.state}`).join(" ");
      return Object.entries(wanted).every(([name, state]) => map.get(name)?.state === state)
        ? map
        : null;
    }, { timeoutMs, what: `states ${JSON.stringify(wanted)}` });
  } catch (error) {
    throw new Error(`${error instanceof Error ? error.message : error}; now: ${last}`);
  }
}

/** The web page's URL from the first `http: listening on URL` log line after `fromLine`. */
export async function webUrlOf(daemon: DaemonHandle, fromLine = 0): Promise<string> {
  const line = await daemon.waitLine(/http: listening on http:\/\/\S+?"/, { fromLine });
  const url = line.match(/http: listening on (http:\/\/[^"\s]+)/)?.[1];
  if (!url) throw new Error(`no URL in ${line}`);
  return url;
}

/** Config text with an optional `taskmaster:` body (indented by the caller) and programs. */
export function yamlConfig(daemonSection: string, programs: string): string {
  return `taskmaster:\n${daemonSection}programs:\n${programs}`;
}
