/**
 * The daemon's `SupervisorApi`: process commands go to the supervisor; `info` is put together
 * from the parts that own each fact (supervisor, web listener, alerter, state store); `alertTest` goes to the
 * alerter. Holds no state of its own.
 */
import type { EventHub } from "../events.ts";
import { ProtocolError } from "../protocol/errors.ts";
import type {
  ActionResult,
  DaemonInfo,
  DepsInfo,
  ProcessStatus,
  ReloadResult,
  StreamName,
} from "../protocol/types.ts";
import type { ActionOptions, SupervisorApi } from "../supervisor/api.ts";
import type { StateInfo } from "../state/store.ts";
import type { CurrentConfig } from "../config/current.ts";
import type { ExportRequest, ExportResult } from "../protocol/export.ts";
import { exportLive } from "../export/live.ts";
import type { SupervisorCore } from "../supervisor/supervisor.ts";
import type { HttpStatus } from "../web/listener.ts";

/** What the facade needs of the web listener. */
export interface HttpPart {
  status(): HttpStatus;
}

/** What the facade needs of the alerter. */
export interface AlertPart {
  readonly stats: DaemonInfo["alerts"];
  test(): Promise<string>;
}

/** What the facade needs of the state store. */
export interface StatePart {
  info(): StateInfo;
}

/** The parts behind the facade. */
export interface DaemonApiParts {
  readonly supervisor: SupervisorCore;
  readonly web: HttpPart;
  readonly alerter: AlertPart;
  readonly state: StatePart;
  /** The config in force, for `export`; without it `export` is unavailable. */
  readonly current?: CurrentConfig;
}

/** The facade the control socket and the web page serve. */
export class DaemonApi implements SupervisorApi {
  readonly events: EventHub;
  #supervisor: SupervisorCore;
  #web: HttpPart;
  #alerter: AlertPart;
  #state: StatePart;
  #current: CurrentConfig | undefined;

  constructor(parts: DaemonApiParts) {
    this.#supervisor = parts.supervisor;
    this.#web = parts.web;
    this.#alerter = parts.alerter;
    this.#state = parts.state;
    this.#current = parts.current;
    this.events = parts.supervisor.events;
  }

  status(names: readonly string[]): ProcessStatus[] {
    return this.#supervisor.status(names);
  }

  start(names: readonly string[], options?: ActionOptions): Promise<ActionResult[]> {
    return this.#supervisor.start(names, options);
  }

  stop(names: readonly string[], options?: ActionOptions): Promise<ActionResult[]> {
    return this.#supervisor.stop(names, options);
  }

  restart(names: readonly string[], options?: ActionOptions): Promise<ActionResult[]> {
    return this.#supervisor.restart(names, options);
  }

  deps(): DepsInfo {
    return this.#supervisor.deps();
  }

  reset(names: readonly string[]): ActionResult[] {
    return this.#supervisor.reset(names);
  }

  signal(signal: string, names: readonly string[]): ActionResult[] {
    return this.#supervisor.signal(signal, names);
  }

  reload(options: { dryRun: boolean }): Promise<ReloadResult> {
    return this.#supervisor.reload(options);
  }

  shutdown(): Promise<void> {
    return this.#supervisor.shutdown();
  }

  tail(name: string, stream: StreamName): Uint8Array {
    return this.#supervisor.tail(name, stream);
  }

  followOutput(
    name: string,
    stream: StreamName,
    listener: (chunk: Uint8Array) => void,
  ): () => void {
    return this.#supervisor.followOutput(name, stream, listener);
  }

  writeStdin(name: string, data: Uint8Array): Promise<number> {
    return this.#supervisor.writeStdin(name, data);
  }

  /** Every fact from its owner, in the wire order of `DaemonInfo`. */
  info(): DaemonInfo {
    const own = this.#supervisor.info();
    const http = this.#web.status();
    const state = this.#state.info();
    return {
      version: own.version,
      apiVersion: own.apiVersion,
      pid: own.pid,
      startedAt: own.startedAt,
      uptimeSeconds: own.uptimeSeconds,
      configFile: own.configFile,
      lastReload: own.lastReload,
      reloads: own.reloads,
      httpUrl: http.httpUrl,
      httpError: http.httpError,
      logLossBytes: own.logLossBytes,
      alerts: { ...this.#alerter.stats },
      stateFile: state.stateFile,
      stateError: state.stateError,
      overrides: state.overrides,
    };
  }

  /**
   * Renders the config in force (docs/export.md) with the live operator intent: each process's
   * desired state (its override if held, else its program's `autostart`).
   */
  exportConfig(request: ExportRequest): ExportResult {
    if (this.#current === undefined) {
      throw new ProtocolError("UNKNOWN_COMMAND", "export is not available here");
    }
    const desired: Record<string, "started" | "stopped"> = {};
    for (const process of this.#supervisor.status([])) desired[process.name] = process.desired;
    return exportLive(this.#current.value, request, desired);
  }

  /** The API promises ALERT_FAILED (exit 1, one line), not an INTERNAL error with a stack. */
  alertTest(): Promise<string> {
    return this.#alerter.test().catch((error) => {
      throw new ProtocolError(
        "ALERT_FAILED",
        error instanceof Error ? error.message : String(error),
      );
    });
  }
}
