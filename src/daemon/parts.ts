/**
 * Builds the daemon's parts, each owning its state: the current-config holder, event hub, event
 * log, file registry, alerter, web listener, state store, supervisor, and the facade over them.
 * Nothing is bound late: each part gets the real objects it uses, and the config holder hands
 * every applied config to the event log, the socket note, the web listener and the statefile
 * note, in that order.
 */
import type { Config, ProgramSpec } from "../config/types.ts";
import { CurrentConfig } from "../config/current.ts";
import { loadConfig } from "../config/load.ts";
import { EventHub } from "../events.ts";
import { EventLogWriter } from "../logs/event_log.ts";
import { FileRegistry } from "../logs/file_registry.ts";
import { createProcessOutput } from "../logs/process_output.ts";
import { createRetryingOutput } from "../logs/retrying_output.ts";
import type { ProcessOutput } from "../logs/types.ts";
import { Supervisor } from "../supervisor/supervisor.ts";
import { Alerter, type AlertSettings } from "../alerts/alerter.ts";
import { WebListener } from "../web/listener.ts";
import { installCrashGuards } from "../crash_guards.ts";
import { DaemonApi } from "./api.ts";
import { DaemonShutdown } from "./shutdown.ts";
import { StateStore } from "../state/store.ts";
import { systemClock } from "../clock.ts";

/** Everything a running daemon is made of. */
export interface DaemonParts {
  /** The config the daemon started with (socket, start-up facts). */
  readonly initial: Config;
  readonly current: CurrentConfig;
  readonly hub: EventHub;
  readonly files: FileRegistry;
  readonly eventLog: EventLogWriter;
  /** Removes the crash guards (last step of every exit). */
  readonly removeGuards: () => void;
  readonly alerter: Alerter;
  readonly web: WebListener;
  readonly supervisor: Supervisor;
  /** Operator intent and its state file (docs/state.md). */
  readonly state: StateStore;
  /** The facade the control socket and the web page serve. */
  readonly api: DaemonApi;
  readonly shutdown: DaemonShutdown;
}

/** Path of the pids file that survives a SIGKILLed daemon. */
export function pidsFilePath(config: Config): string {
  const socket = config.daemon.socket;
  return socket.slice(0, socket.lastIndexOf("/") + 1) + "taskmasterd.pids";
}

/** Builds every part; the hub's subscribers come in this order: event log, then alerter. */
export function buildParts(config: Config, foreground: boolean): DaemonParts {
  const current = new CurrentConfig(config);
  const { hub, files, eventLog } = openLogging(config, foreground);
  const removeGuards = installCrashGuards(hub);
  const alerter = new Alerter(hub, { spec: () => alertSettings(current.value) });
  const web = new WebListener(hub);
  const state = new StateStore({ path: config.daemon.statefile, hub, clock: systemClock });
  const supervisor = new Supervisor({
    config,
    hub,
    createOutput: outputFactory(hub, files),
    loadConfig: () => loadConfig(config.file),
    pidsPath: pidsFilePath(config),
    current,
    // The shutdown is built next; a critical program can only end after the daemon started.
    onCritical: (decision) => shutdown.request("critical", decision.exitCode),
    state,
  });
  const api = new DaemonApi({ supervisor, web, alerter, state, current });
  const shutdown = new DaemonShutdown(hub, supervisor);
  const parts = {
    initial: config,
    current,
    hub,
    files,
    eventLog,
    removeGuards,
    alerter,
    web,
    supervisor,
    state,
    api,
    shutdown,
  };
  followConfig(parts);
  return parts;
}

/** The event hub, the file registry every log file goes through, and the event log. */
function openLogging(config: Config, foreground: boolean) {
  const hub = new EventHub();
  // No registry-level error hook: a failing child log is reported once per episode by its
  // process output (`log-loss` with process, stream and bytes), the event log by its writer,
  // and an unopenable file as the program's spawn error. A second report would double alerts.
  const files = new FileRegistry();
  const eventLog = new EventLogWriter(hub, {
    path: config.daemon.logfile,
    maxBytes: config.daemon.logmaxbytes,
    backups: config.daemon.logbackups,
    stderr: foreground,
    files,
  });
  return { hub, files, eventLog };
}

/** The alert settings of a config, read by the alerter on every event. */
function alertSettings(config: Config): AlertSettings {
  const daemon = config.daemon;
  return { email: daemon.email, smtp: daemon.smtp, alerts: daemon.alerts };
}

/** Each child's output: rotating files behind a retrying wrapper, losses reported as events. */
function outputFactory(
  hub: EventHub,
  files: FileRegistry,
): (spec: ProgramSpec, processName: string) => ProcessOutput {
  return (spec, processName) =>
    createRetryingOutput(() =>
      createProcessOutput({
        process: processName,
        stdout: spec.stdout,
        stderr: spec.stderr,
        logmaxbytes: spec.logmaxbytes,
        logbackups: spec.logbackups,
        files,
        forChecks: spec.ready?.check.kind === "log",
        hooks: {
          onLoss: (loss) => {
            hub.emit("WARN", "log-loss", { process: loss.process, program: spec.name }, {
              stream: loss.stream,
              bytes: loss.bytes,
              reason: loss.reason,
            });
          },
        },
      })
    );
}

/** Hands each applied config to the event log, the socket note and the web listener. */
function followConfig(parts: DaemonParts): void {
  const { current, eventLog, hub, web, api } = parts;
  const socket = parts.initial.daemon.socket;
  current.subscribe((next) => {
    eventLog.setTarget(next.daemon.logfile, next.daemon.logmaxbytes, next.daemon.logbackups);
  });
  current.subscribe((next) => {
    if (next.daemon.socket === socket) return;
    hub.emit("WARN", "reload", null, {
      note: `socket change to ${next.daemon.socket} applies at the next start`,
    });
  });
  current.subscribe((next) => void web.apply(api, next.daemon.http));
  current.subscribe((next) => {
    if (next.daemon.statefile === parts.state.path) return;
    hub.emit("WARN", "reload", null, {
      note: `statefile change to ${next.daemon.statefile ?? "false"} applies at the next start`,
    });
  });
}
