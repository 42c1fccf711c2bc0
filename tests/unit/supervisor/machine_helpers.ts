/** Shared builders of the machine's table tests (machine_test, machine_deps_test, machine_health_test). */
import { type Effect, type MachineEvent, transition } from "../../../src/supervisor/machine.ts";
import { initialRecord, type ProcRecord } from "../../../src/supervisor/states.ts";
import type { ProgramSpec } from "../../../src/config/types.ts";
import { makeSpec } from "../../helpers/specs.ts";

/** A record in `state` with generation 3 and pid 100 (for live states). */
export function rec(state: ProcRecord["state"], patch: Partial<ProcRecord> = {}): ProcRecord {
  const live = state === "STARTING" || state === "RUNNING" || state === "STOPPING";
  return {
    ...initialRecord(0),
    state,
    generation: 3,
    pid: live ? 100 : null,
    wanted: state === "STOPPED" ? "down" : "up",
    since: 0,
    ...patch,
  };
}

/** One transition of `r` by `e` at monotonic time `now`. */
export function run(r: ProcRecord, e: MachineEvent, spec: ProgramSpec = makeSpec(), now = 1000) {
  return transition(r, e, { spec, now });
}

/** Effects as short labels: `EMIT:running`, `KILL:SIGTERM`, `ARM:1000`, `SPAWN`… */
export function types(effects: readonly Effect[]): string[] {
  return effects.map((e) =>
    e.type === "EMIT"
      ? `EMIT:${e.event}`
      : e.type === "KILL"
      ? `KILL:${e.signal}`
      : e.type === "ARM"
      ? `ARM:${e.ms}`
      : e.type
  );
}
