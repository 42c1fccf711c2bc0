/**
 * Wiring only: builds the daemon's parts (src/daemon/parts.ts), serves the control socket, and
 * runs the start-up and shutdown sequences in a fixed order. Resolves with the exit code once
 * the daemon shut down (0, or the code a critical program decided: docs/cli.md "Exit codes") or
 * refused to start (1). Nothing here decides a process state; the supervisor does.
 */
import type { Config } from "./config/types.ts";
import { stopOrphans } from "./process/pids_file.ts";
import { raiseFdLimit } from "./process/fd_limit.ts";
import { createControlHandler } from "./control/handler.ts";
import { listenUnix, probeSocket } from "./http1/unix_listener.ts";
import { buildParts, type DaemonParts, pidsFilePath } from "./daemon/parts.ts";
import { listenForSignals } from "./daemon/signals.ts";
import { acquireInstanceLock, type InstanceLock, lockPathFor } from "./daemon/instance_lock.ts";

/** How the daemon runs: in the foreground it also writes the event log to stderr. */
export interface DaemonOptions {
  foreground: boolean;
}

/** How long after a critical trigger pending alert mail may still delay the exit. */
const CRITICAL_MAIL_GRACE_MS = 10_000;

/** The control socket's server. */
type Control = { close(): Promise<void> };

/** Runs the daemon until it is shut down; resolves with the process exit code. */
export async function runDaemon(config: Config, options: DaemonOptions): Promise<number> {
  const lock = takeInstanceLock(config.daemon.socket);
  if (lock === null) return 1;
  try {
    return await runLocked(config, options);
  } finally {
    lock.release();
  }
}

async function runLocked(config: Config, options: DaemonOptions): Promise<number> {
  if (!await socketIsFree(config.daemon.socket)) return 1;
  const parts = buildParts(config, options.foreground);
  // Before the socket serves: an operator command must not race the restored intent.
  parts.supervisor.restoreIntent();
  const control = await startServing(parts);
  if (control === null) return 1;
  await announceStart(parts);
  const removeSignals = listenForSignals(parts);
  parts.supervisor.startAutostart();
  await parts.shutdown.finished();
  removeSignals();
  // A critical exit is news someone must get: its mail, sent at once, may still be going out.
  // The grace counts from the trigger, so it overlaps the stop of the programs.
  if (parts.shutdown.by === "critical") {
    const spent = performance.now() - (parts.shutdown.requestedAt ?? performance.now());
    await parts.alerter.drain(Math.max(0, CRITICAL_MAIL_GRACE_MS - spent));
  }
  await closeParts(parts, control);
  return parts.shutdown.exitCode;
}

/** The instance lock, or null after saying why this daemon must not start. */
function takeInstanceLock(socket: string): InstanceLock | null {
  try {
    const lock = acquireInstanceLock(socket);
    if (lock === null) {
      // The socket file may be gone (a /tmp cleaner): the lock file names who holds the config.
      writeErr(
        `taskmasterd: another taskmasterd is already running on ${socket} ` +
          `(it holds ${lockPathFor(socket)})`,
      );
    }
    return lock;
  } catch (error) {
    writeErr(`taskmasterd: ${errorText(error)}`);
    return null;
  }
}

/** Refuses to start next to a live daemon on the same socket. */
async function socketIsFree(socket: string): Promise<boolean> {
  if (await probeSocket(socket) !== "live") return true;
  writeErr(`taskmasterd: another taskmasterd is already running on ${socket}`);
  return false;
}

/**
 * Stops the children a SIGKILLed predecessor left, then listens on the control socket. On
 * failure it says why, releases what was built, and answers null.
 */
async function startServing(parts: DaemonParts): Promise<Control | null> {
  const { hub, shutdown } = parts;
  try {
    await stopOrphans(pidsFilePath(parts.initial), hub, 10_000);
    return await listenUnix(
      parts.initial.daemon.socket,
      createControlHandler(parts.api, {
        onShutdownRequested: () => shutdown.request("taskmasterctl"),
      }),
      {
        onError: (error) =>
          hub.emit("WARN", "config-error", null, { reason: `control: ${errorText(error)}` }),
      },
    );
  } catch (error) {
    writeErr(`taskmasterd: ${errorText(error)}`);
    await parts.eventLog.close();
    parts.removeGuards();
    await parts.alerter.close();
    return null;
  }
}

/** Raises the open-files limit, logs `daemon-start`, then opens the web page if configured. */
async function announceStart(parts: DaemonParts): Promise<void> {
  const config = parts.initial;
  const fds = await raiseFdLimit();
  parts.hub.emit("INFO", "daemon-start", null, {
    pid: Deno.pid,
    nofile: fds.ok ? fds.after : `unchanged (${fds.reason})`,
    config: config.path,
    socket: config.daemon.socket,
    programs: config.programs.length,
  });
  await parts.web.apply(parts.api, config.daemon.http);
}

/** Closes everything after the programs stopped, in this order. */
async function closeParts(parts: DaemonParts, control: Control): Promise<void> {
  await parts.web.close();
  // Before the control socket: closing the alerter aborts a pending `alert test` to a stalled
  // SMTP server, whose request would otherwise hold the socket's shutdown for the SMTP timeout.
  await parts.alerter.close();
  await control.close();
  parts.hub.emit("INFO", "daemon-stop", null, { phase: "end" });
  await parts.eventLog.close();
  await parts.files.closeAll();
  parts.removeGuards();
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function writeErr(text: string): void {
  Deno.stderr.writeSync(new TextEncoder().encode(text + "\n"));
}
