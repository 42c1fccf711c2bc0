/**
 * Keeps one stray error from ending the daemon: Deno exits on any unhandled promise rejection
 * or uncaught error (measured), and the usual sources — a controller killed mid-reply, a full
 * disk — are exactly the faults a supervisor must outlive. Each one is logged instead.
 */
import type { EventHub } from "./events.ts";

/** Installs the guards; returns the function that removes them. */
export function installCrashGuards(hub: EventHub): () => void {
  const onRejection = (event: PromiseRejectionEvent) => {
    event.preventDefault();
    hub.emit("ERROR", "config-error", null, {
      reason: `internal: unhandled rejection: ${describe(event.reason)}`,
    });
  };
  const onError = (event: ErrorEvent) => {
    event.preventDefault();
    hub.emit("ERROR", "config-error", null, {
      reason: `internal: uncaught error: ${describe(event.error ?? event.message)}`,
    });
  };
  globalThis.addEventListener("unhandledrejection", onRejection);
  globalThis.addEventListener("error", onError);
  return () => {
    globalThis.removeEventListener("unhandledrejection", onRejection);
    globalThis.removeEventListener("error", onError);
  };
}

function describe(value: unknown): string {
  if (value instanceof Error) return value.stack ?? value.message;
  return String(value);
}
