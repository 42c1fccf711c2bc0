/**
 * Wiring only: event hub → event log → supervisor → control socket, web page, alerts, and the
 * OS signal listeners. Resolves with the exit code once the daemon shut down (0) or refused to
 * start (1). Nothing here decides a process state; the supervisor does.
 */
import type { Config } from "./config/types.ts";
import { loadConfig } from "./config/load.ts";
import { EventHub } from "./events.ts";
import { EventLogWriter } from "./logs/event_log.ts";
import { FileRegistry } from "./logs/file_registry.ts";
import { createProcessOutput } from "./logs/process_output.ts";
import { createRetryingOutput } from "./logs/retrying_output.ts";
import { Supervisor } from "./supervisor/supervisor.ts";
import { stopOrphans } from "./process/pids_file.ts";
import { raiseFdLimit } from "./process/fd_limit.ts";
import { createControlHandler } from "./control/handler.ts";
import { listenUnix, probeSocket } from "./http1/unix_listener.ts";
import { Alerter } from "./alerts/alerter.ts";
import { WebListener } from "./web/listener.ts";
import { ProtocolError } from "./protocol/errors.ts";
import { installCrashGuards } from "./crash_guards.ts";

/** How the daemon runs: in the foreground it also writes the event log to stderr. */
export interface DaemonOptions {
  foreground: boolean;
}

/** Path of the pids file that survives a SIGKILLed daemon (docs/lifecycle.md). */
export function pidsFilePath(config: Config): string {
  const socket = config.daemon.socket;
  return socket.slice(0, socket.lastIndexOf("/") + 1) + "taskmasterd.pids";
}

/** Runs the daemon until it is shut down; resolves with the process exit code. */
export async function runDaemon(config: Config, options: DaemonOptions): Promise<number> {
  const socket = config.daemon.socket;
  if (await probeSocket(socket) === "live") {
    writeErr(`taskmasterd: another taskmasterd is already running on ${socket}`);
    return 1;
  }
  const hub = new EventHub();
  // No registry-level error hook: a failing child log is reported once per episode by its
  // process output (`log-loss` with process, stream and bytes), the event log by its writer,
  // and an unopenable file as the program's spawn error. A second report would double alerts.
  const files = new FileRegistry();
  const eventLog = new EventLogWriter(hub, {
    path: config.daemon.logfile,
    maxBytes: config.daemon.logmaxbytes,
    backups: config.daemon.logbackups,
    stderr: options.foreground,
    files,
  });
  const removeGuards = installCrashGuards(hub);
  let supervisor: Supervisor | null = null;
  const alerter = new Alerter(hub, {
    spec: () => {
      const daemon = (supervisor?.config ?? config).daemon;
      return { email: daemon.email, smtp: daemon.smtp, alerts: daemon.alerts };
    },
  });
  const web = new WebListener(hub);
  supervisor = new Supervisor({
    config,
    hub,
    createOutput: (spec, processName) =>
      createRetryingOutput(() =>
        createProcessOutput({
          process: processName,
          stdout: spec.stdout,
          stderr: spec.stderr,
          logmaxbytes: spec.logmaxbytes,
          logbackups: spec.logbackups,
          files,
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
      ),
    loadConfig: () => loadConfig(config.file),
    pidsPath: pidsFilePath(config),
    onConfigApplied: (next) => {
      eventLog.setTarget(next.daemon.logfile, next.daemon.logmaxbytes, next.daemon.logbackups);
      if (next.daemon.socket !== socket) {
        hub.emit("WARN", "reload", null, {
          note: `socket change to ${next.daemon.socket} applies at the next start`,
        });
      }
      void web.apply(supervisor!, next.daemon.http);
    },
    // The API promises ALERT_FAILED (exit 1, one line), not an INTERNAL error with a stack trace.
    alertTest: () =>
      alerter.test().catch((error) => {
        throw new ProtocolError("ALERT_FAILED", errorText(error));
      }),
    // logLossBytes comes from the supervisor (every output's running total): the onLoss hook
    // fires once per loss episode with only its first chunk, so it cannot count bytes.
    extraInfo: () => ({
      httpUrl: web.url,
      httpError: web.error,
      alerts: { ...alerter.stats },
    }),
  });
  const api = supervisor;

  let stopping: Promise<void> | null = null;
  let control: { close(): Promise<void> } | null = null;
  const shutdown = (by: string): Promise<void> => {
    stopping ??= (async () => {
      hub.emit("INFO", "daemon-stop", null, { by, phase: "begin" });
      await api.shutdown();
    })();
    return stopping;
  };
  const done = Promise.withResolvers<void>();

  try {
    await stopOrphans(pidsFilePath(config), hub, 10_000);
    control = await listenUnix(
      socket,
      createControlHandler(api, {
        onShutdownRequested: () => void shutdown("taskmasterctl").then(done.resolve),
      }),
      {
        onError: (error) =>
          hub.emit("WARN", "config-error", null, { reason: `control: ${errorText(error)}` }),
      },
    );
  } catch (error) {
    writeErr(`taskmasterd: ${errorText(error)}`);
    await eventLog.close();
    removeGuards();
    await alerter.close();
    return 1;
  }
  const fds = await raiseFdLimit();
  hub.emit("INFO", "daemon-start", null, {
    pid: Deno.pid,
    nofile: fds.ok ? fds.after : `unchanged (${fds.reason})`,
    config: config.path,
    socket,
    programs: config.programs.length,
  });
  await web.apply(api, config.daemon.http);

  const signalHandlers: [Deno.Signal, () => void][] = [
    ["SIGTERM", () => void shutdown("SIGTERM").then(done.resolve)],
    ["SIGINT", () => void shutdown("SIGINT").then(done.resolve)],
    ["SIGHUP", () => {
      if (stopping) return; // nothing is reloaded (or respawned) during shutdown
      api.reload({ dryRun: false }).catch(() => {
        // The supervisor already logged `reload-failed` with every error line.
      });
    }],
    ["SIGUSR2", () => void files.reopenAll()],
  ];
  for (const [signal, handler] of signalHandlers) Deno.addSignalListener(signal, handler);

  api.startAutostart();

  await done.promise;
  await stopping;
  for (const [signal, handler] of signalHandlers) Deno.removeSignalListener(signal, handler);
  await web.close();
  // Before the control socket: closing the alerter aborts a pending `alert test` to a stalled
  // SMTP server, whose request would otherwise hold the socket's shutdown for the SMTP timeout.
  await alerter.close();
  await control.close();
  hub.emit("INFO", "daemon-stop", null, { phase: "end" });
  await eventLog.close();
  await files.closeAll();
  removeGuards();
  return 0;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function writeErr(text: string): void {
  Deno.stderr.writeSync(new TextEncoder().encode(text + "\n"));
}
