/**
 * Owns the daemon's web listener across reloads: binds it per `taskmaster.http`, re-binds when
 * that section changes, and turns a failure (port taken) into an `http-error` event and an
 * `info` field instead of a reason for the daemon to die (docs/web.md "Listener").
 */
import type { HttpSpec } from "../config/types.ts";
import type { EventHub } from "../events.ts";
import type { DaemonInfo } from "../protocol/types.ts";
import type { SupervisorApi } from "../supervisor/api.ts";

/** The listener's own daemon facts (`info`). */
export type HttpStatus = Pick<DaemonInfo, "httpUrl" | "httpError">;

/** The current web listener, or its last error. */
export class WebListener {
  #hub: EventHub;
  #spec: HttpSpec | null = null;
  #server: { url: string; close(): Promise<void> } | null = null;
  #error: string | null = null;
  #applied = false;

  constructor(hub: EventHub) {
    this.#hub = hub;
  }

  /** The URL being served, or null. */
  get url(): string | null {
    return this.#server?.url ?? null;
  }

  /** Why the listener is not serving, or null. */
  get error(): string | null {
    return this.#error;
  }

  /** Where the page is served, or why it is not. */
  status(): HttpStatus {
    return { httpUrl: this.url, httpError: this.error };
  }

  /** Binds (or re-binds) for `spec`; `null` turns the page off. Never rejects. */
  async apply(api: SupervisorApi, spec: HttpSpec | null): Promise<void> {
    // An unchanged spec keeps a running listener; after a bind error it is retried, so freeing
    // the port and reloading brings the page back without a daemon restart.
    if (this.#applied && sameSpec(this.#spec, spec) && (this.#server || spec === null)) return;
    this.#applied = true;
    this.#spec = spec;
    await this.close();
    this.#error = null;
    if (spec === null) return;
    try {
      // Loaded on first use: a daemon with `http: false` never compiles the page's modules.
      const { startWebServer } = await import("./server.ts");
      this.#server = await startWebServer(api, spec, {
        onError: (message) => this.#hub.emit("ERROR", "http-error", null, { reason: message }),
      });
      this.#hub.emit("INFO", "daemon-start", null, {
        note: `http: listening on ${this.#server.url}`,
      });
    } catch (error) {
      this.#error = error instanceof Error ? error.message : String(error);
      this.#hub.emit("ERROR", "http-error", null, { reason: this.#error });
    }
  }

  /** Stops serving. */
  async close(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    if (server) await server.close();
  }
}

function sameSpec(a: HttpSpec | null, b: HttpSpec | null): boolean {
  if (a === null || b === null) return a === b;
  return a.host === b.host && a.port === b.port && a.token === b.token;
}
