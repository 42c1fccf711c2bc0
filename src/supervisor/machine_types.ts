/**
 * Inputs, outputs and context of the per-process state machine (machine.ts). Pure: types only,
 * plus the error thrown for an impossible cell.
 */
import type { ProgramSpec, SignalName } from "../config/types.ts";
import type { EventName, LogLevel } from "../protocol/types.ts";
import type { ProcRecord, ProcState } from "./states.ts";

/** Who asked for a stop (shown in the `stopping` event). */
export type StopBy = "operator" | "reload" | "shutdown" | "daemon";

/** Inputs of the machine: admin commands, process news, timer expiry. */
export type MachineEvent =
  | {
    readonly type: "START";
    /**
     * Unmet dependencies (`"db (ready)"`); non-empty: wait in WAITING instead of spawning.
     * Never given for automatic restarts (they do not wait).
     */
    readonly waitingOn?: readonly string[];
    /** Description while waiting, when not the default `waiting for …` (a held dependency). */
    readonly waitReason?: string;
  }
  /** Every dependency condition is met: WAITING → STARTING. */
  | { readonly type: "DEPS_MET" }
  /** A dependency failed while waiting: WAITING → FATAL (`dependency migrate exited …`). */
  | { readonly type: "DEP_FAILED"; readonly dependency: string; readonly reason: string }
  /** The ready check of generation `gen` passed (`after`: seconds since spawn). */
  | { readonly type: "READY"; readonly gen: number; readonly check: string; readonly after: number }
  /** Health checks of generation `gen` turned unhealthy with `action: restart`. */
  | { readonly type: "UNHEALTHY"; readonly gen: number }
  /** The ready deadline of generation `gen` passed: stop it, a failed start. */
  | {
    readonly type: "READY_TIMEOUT";
    readonly gen: number;
    readonly check: string;
    readonly deadline: number;
    readonly last: string;
  }
  | { readonly type: "STOP"; readonly by: StopBy }
  | { readonly type: "SPAWNED"; readonly gen: number; readonly pid: number }
  | { readonly type: "SPAWN_FAILED"; readonly gen: number; readonly error: string }
  | {
    readonly type: "EXITED";
    readonly gen: number;
    readonly code: number | null;
    readonly signal: string | null;
    /** A critical program ended the daemon with this exit: never restart it. */
    readonly hold?: boolean;
  }
  | { readonly type: "TIMEOUT"; readonly gen: number };

/** Event type names. */
export type MachineEventType = MachineEvent["type"];

/** Fields of an emitted event-log entry. */
export type EmitFields = Readonly<Record<string, string | number | boolean | null>>;

/** What the driver must do, in order. */
export type Effect =
  /** Spawn a child for generation `gen`; report SPAWNED or SPAWN_FAILED. */
  | { readonly type: "SPAWN"; readonly gen: number }
  /** Send `signal` to the current child's whole process group. */
  | { readonly type: "KILL"; readonly signal: SignalName }
  /** (Re)arm the instance's single timer; on expiry dispatch TIMEOUT{gen}. */
  | { readonly type: "ARM"; readonly ms: number; readonly gen: number }
  /** Cancel the instance's timer. */
  | { readonly type: "DISARM" }
  /** Publish one event-log entry (docs/events.md "Events"). */
  | {
    readonly type: "EMIT";
    readonly level: LogLevel;
    readonly event: EventName;
    readonly fields: EmitFields;
  };

/** Result of one transition. `dropped` is true for stale events (generation mismatch). */
export interface Transition {
  readonly record: ProcRecord;
  readonly effects: readonly Effect[];
  readonly dropped?: boolean;
}

/** What a transition may read besides the record: the live spec and the monotonic time. */
export interface MachineContext {
  readonly spec: ProgramSpec;
  readonly now: number;
}

/** Thrown for a cell that cannot happen when the driver is correct. */
export class IllegalTransition extends Error {
  constructor(state: ProcState, event: MachineEventType) {
    super(`illegal transition: ${event} in ${state}`);
    this.name = "IllegalTransition";
  }
}

/** The event of one type. */
export type EventOf<T extends MachineEventType> = Extract<MachineEvent, { type: T }>;
/** One cell of the table. */
export type Handler<T extends MachineEventType> = (
  record: ProcRecord,
  event: EventOf<T>,
  ctx: MachineContext,
) => Transition;
/** One row of the table: a handler per event type. */
export type Row = { readonly [T in MachineEventType]: Handler<T> };
