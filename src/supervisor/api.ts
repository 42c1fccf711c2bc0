/**
 * The narrow facade the control API and the web page use to drive supervision. Implemented by
 * `supervisor.ts`; faked in handler tests. Names are `prog`, `prog:N` or `all`
 * (docs/cli.md "Names").
 */
import type {
  ActionResult,
  DaemonInfo,
  DepsInfo,
  ProcessStatus,
  ReloadResult,
  StreamName,
} from "../protocol/types.ts";
import type { EventHub } from "../events.ts";
import type { ExportRequest, ExportResult } from "../protocol/export.ts";

/** Who asked for an operator action: the control API (taskmasterctl, scripts) or the web page. */
export type Actor = "ctl" | "web";

/**
 * Options of `start`, `stop` and `restart`. `by` is recorded with the operator's override in the
 * state file (docs/state.md); absent means `ctl`.
 */
export interface ActionOptions {
  readonly by?: Actor;
  /** `start --no-deps`: ignore `depends_on` (nothing pulled in, nothing waited for). */
  readonly noDeps?: boolean;
}

/**
 * What the control API and web page may ask of the supervisor. In the daemon the facade is
 * `daemon/api.ts`: the supervisor answers the process commands, `info` is put together from the
 * parts that own each fact, and `alertTest` goes to the alerter.
 */
export interface SupervisorApi {
  /**
   * Status of the named processes (all when `names` is empty), in config order then index.
   * Throws `ProtocolError("BAD_NAME")` naming every unknown name.
   */
  status(names: readonly string[]): ProcessStatus[];
  /**
   * Starts each named process and waits for RUNNING or failure; unknown names get ok:false.
   * Records the operator's intent (started) before acting.
   */
  start(names: readonly string[], options?: ActionOptions): Promise<ActionResult[]>;
  /** Stops each named process and waits for a stopped state; records the intent (stopped). */
  stop(names: readonly string[], options?: ActionOptions): Promise<ActionResult[]>;
  /** Stop then start, per process; records the intent (started). */
  restart(names: readonly string[], options?: ActionOptions): Promise<ActionResult[]>;
  /** Removes the operator's overrides of the named processes; no process changes state. */
  reset(names: readonly string[]): ActionResult[];
  /** The dependency graph of the current config: start waves and edges. */
  deps(): DepsInfo;
  /** Sends `signal` (name, with or without SIG) to each named live process's group. */
  signal(signal: string, names: readonly string[]): ActionResult[];
  /** Re-reads the config and applies it (or only plans it). Throws RELOAD_FAILED. */
  reload(options: { dryRun: boolean }): Promise<ReloadResult>;
  /** Stops everything and ends the daemon; resolves once every program is stopped. */
  shutdown(): Promise<void>;
  /** Daemon-level facts. */
  info(): DaemonInfo;
  /** The in-memory tail of one process stream (≤ 64 KiB). Throws BAD_NAME. */
  tail(name: string, stream: StreamName): Uint8Array;
  /** Calls `listener` with each new chunk of a stream; returns the unsubscribe function. */
  followOutput(
    name: string,
    stream: StreamName,
    listener: (chunk: Uint8Array) => void,
  ): () => void;
  /** Writes to a live process's stdin; throws NOT_RUNNING or BAD_NAME. */
  writeStdin(name: string, data: Uint8Array): Promise<number>;
  /** Sends a test alert mail; resolves with the server's reply. Throws ALERT_FAILED. */
  alertTest(): Promise<string>;
  /**
   * Renders the live config for export (docs/export.md); absent where there is no config
   * (fakes). Throws BAD_REQUEST for usage errors, EXPORT_FAILED when it cannot be rendered.
   */
  exportConfig?(request: ExportRequest): ExportResult;
  /** The daemon's event hub (recent events and live subscription). */
  readonly events: EventHub;
}
