/**
 * Runs one control-API command against the {@link SupervisorApi}: validates the body field by
 * field (BAD_REQUEST naming the field) and returns the command's result as the command table says.
 */
import type { CommandName, CommandTable } from "../protocol/commands.ts";
import { ProtocolError } from "../protocol/errors.ts";
import { API_VERSION, VERSION } from "../protocol/version.ts";
import { RECENT_EVENTS } from "../events.ts";
import type { SupervisorApi } from "../supervisor/api.ts";
import { exportRequest } from "./export_request.ts";
import {
  type Body,
  needNames,
  needString,
  optBool,
  optInt,
  optStream,
  optStringArray,
} from "./request_body.ts";

/** Control-API actions are recorded as the controller's (docs/state.md "File format"). */
const BY_CTL = { by: "ctl" } as const;

/** Largest `lines` a tail request may ask for (the tail itself is capped at 64 KiB anyway). */
export const MAX_TAIL_LINES = 100_000;

/** Runs `name` with the parsed `body`; throws ProtocolError for every expected failure. */
export async function dispatchCommand(
  api: SupervisorApi,
  name: CommandName,
  body: Body,
): Promise<CommandTable[CommandName]["res"]> {
  switch (name) {
    case "version":
      return { version: VERSION, apiVersion: API_VERSION };
    case "status":
      return api.status(optStringArray(body, "names") ?? []);
    case "start":
      return await api.start(needNames(body), {
        ...BY_CTL,
        noDeps: optBool(body, "noDeps") ?? false,
      });
    case "stop":
      return await api.stop(needNames(body), BY_CTL);
    case "restart":
      return await api.restart(needNames(body), BY_CTL);
    case "reset":
      return api.reset(needNames(body));
    case "signal":
      return api.signal(needString(body, "signal"), needNames(body));
    case "reload":
      return await api.reload({ dryRun: optBool(body, "dryRun") ?? false });
    case "shutdown":
      await api.shutdown();
      return { stopped: true };
    case "info":
      return api.info();
    case "pid": {
      const names = optStringArray(body, "names") ?? [];
      return api.status(names).map((p) => ({ name: p.name, pid: p.pid }));
    }
    case "tail": {
      const process = needString(body, "name");
      const stream = optStream(body, "stream") ?? "stdout";
      const lines = optInt(body, "lines", 0, MAX_TAIL_LINES) ?? 10;
      const bytes = api.tail(process, stream);
      return { name: process, stream, text: lastLines(decodeLoose(bytes), lines) };
    }
    case "log": {
      const lines = optInt(body, "lines", 0, RECENT_EVENTS) ?? RECENT_EVENTS;
      return api.events.recent(lines);
    }
    case "stdin": {
      const process = needString(body, "name");
      const data = decodeBase64(needString(body, "data"), "data");
      return { bytes: await api.writeStdin(process, data) };
    }
    case "deps":
      return api.deps();
    case "alertTest":
      return { message: await api.alertTest() };
    case "export": {
      if (api.exportConfig === undefined) {
        throw new ProtocolError("UNKNOWN_COMMAND", "export is not available here");
      }
      return api.exportConfig(exportRequest(body));
    }
    default: {
      const never: never = name;
      throw new ProtocolError("UNKNOWN_COMMAND", `unknown command: ${String(never)}`);
    }
  }
}

/** Decodes child output for display: invalid UTF-8 becomes U+FFFD instead of failing. */
function decodeLoose(bytes: Uint8Array): string {
  return new TextDecoder("utf-8", { fatal: false }).decode(bytes);
}

/** The last `n` lines of `text` (a trailing newline does not count as an extra empty line). */
export function lastLines(text: string, n: number): string {
  if (n <= 0 || text === "") return "";
  let pos = text.endsWith("\n") ? text.length - 1 : text.length;
  for (let k = 0; k < n; k++) {
    if (pos <= 0) return text;
    const nl = text.lastIndexOf("\n", pos - 1);
    if (nl < 0) return text;
    pos = nl;
  }
  return text.slice(pos + 1);
}

/** Strict base64 → bytes; BAD_REQUEST naming `key` on anything else. */
export function decodeBase64(text: string, key: string): Uint8Array {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) {
    throw new ProtocolError("BAD_REQUEST", `${key}: must be base64`);
  }
  const raw = atob(text);
  const out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

/** Bytes → base64 (for output chunks on the wire). */
export function encodeBase64(bytes: Uint8Array): string {
  let raw = "";
  const step = 0x8000;
  for (let i = 0; i < bytes.length; i += step) {
    raw += String.fromCharCode(...bytes.subarray(i, i + step));
  }
  return btoa(raw);
}
