/**
 * The control API's command table: the single source for the daemon's dispatcher and the
 * controller's client. Every command is `POST /v1/<name>` with a JSON body of its request type,
 * answered with `{ok:true,result}` or `{ok:false,error:{code,message}}`. Streams are GET routes
 * (see {@link STREAM_ROUTES}).
 */
import type {
  ActionResult,
  DaemonInfo,
  DepsInfo,
  LogEvent,
  ProcessStatus,
  ReloadResult,
  StreamName,
} from "./types.ts";
import type { ExportRequest, ExportResult } from "./export.ts";

/** Request and response types of every command, by name. */
export interface CommandTable {
  version: { req: Record<string, never>; res: { version: string; apiVersion: number } };
  status: { req: { names?: string[] }; res: ProcessStatus[] };
  start: { req: { names: string[]; noDeps?: boolean }; res: ActionResult[] };
  stop: { req: { names: string[] }; res: ActionResult[] };
  restart: { req: { names: string[] }; res: ActionResult[] };
  signal: { req: { signal: string; names: string[] }; res: ActionResult[] };
  reload: { req: { dryRun?: boolean }; res: ReloadResult };
  shutdown: { req: Record<string, never>; res: { stopped: true } };
  info: { req: Record<string, never>; res: DaemonInfo };
  pid: { req: { names?: string[] }; res: { name: string; pid: number | null }[] };
  tail: {
    req: { name: string; stream?: StreamName; lines?: number };
    res: { name: string; stream: StreamName; text: string };
  };
  log: { req: { lines?: number }; res: LogEvent[] };
  stdin: { req: { name: string; data: string }; res: { bytes: number } };
  alertTest: { req: Record<string, never>; res: { message: string } };
  reset: { req: { names: string[] }; res: ActionResult[] };
  /** Renders the live config for systemd or Kubernetes (docs/export.md); writes nothing. */
  export: { req: ExportRequest; res: ExportResult };
  deps: { req: Record<string, never>; res: DepsInfo };
}

/** A command name. */
export type CommandName = keyof CommandTable;

/** Every command name, in help order. */
export const COMMAND_NAMES: readonly CommandName[] = [
  "version",
  "status",
  "start",
  "stop",
  "restart",
  "signal",
  "reload",
  "shutdown",
  "info",
  "pid",
  "tail",
  "log",
  "stdin",
  "alertTest",
  "reset",
  "export",
  "deps",
];

/** True when `name` is a known command (own key check: `__proto__` is not a command). */
export function isCommandName(name: string): name is CommandName {
  return (COMMAND_NAMES as readonly string[]).includes(name);
}

/** Wire envelope of every command answer. */
export type Envelope<T> =
  | { ok: true; result: T }
  | { ok: false; error: { code: string; message: string } };

/**
 * Streaming routes (NDJSON, one JSON value per line):
 * - `GET /v1/events?follow=1` — {@link LogEvent}s: the last 1000 first, then live ones;
 * - `GET /v1/output?name=N&stream=stdout&follow=1` — `{data: base64}` chunks of a process's
 *   output: the in-memory tail first, then live output.
 */
export const STREAM_ROUTES = { events: "/v1/events", output: "/v1/output" } as const;

/** Largest accepted request body, in bytes. */
export const MAX_REQUEST_BYTES = 64 * 1024;
