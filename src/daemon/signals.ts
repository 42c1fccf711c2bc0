/**
 * The daemon's OS signals: SIGTERM and SIGINT shut it down, SIGHUP reloads the config, SIGUSR2
 * reopens every log file (after logrotate moved them).
 */
import type { DaemonParts } from "./parts.ts";

/** Installs the signal listeners; returns the function that removes them. */
export function listenForSignals(parts: DaemonParts): () => void {
  const { shutdown, api, files } = parts;
  const handlers: [Deno.Signal, () => void][] = [
    ["SIGTERM", () => shutdown.request("SIGTERM")],
    ["SIGINT", () => shutdown.request("SIGINT")],
    ["SIGHUP", () => {
      if (shutdown.requested) return; // nothing is reloaded (or respawned) during shutdown
      api.reload({ dryRun: false }).catch(() => {
        // The supervisor already logged `reload-failed` with every error line.
      });
    }],
    ["SIGUSR2", () => void files.reopenAll()],
  ];
  for (const [signal, handler] of handlers) Deno.addSignalListener(signal, handler);
  return () => {
    for (const [signal, handler] of handlers) Deno.removeSignalListener(signal, handler);
  };
}
