/**
 * The daemon side of `POST /v1/export`: renders the config in force, or throws the protocol
 * error the controller maps to its exit code (BAD_REQUEST → 2, EXPORT_FAILED → 1).
 */
import type { Config } from "../config/types.ts";
import { ProtocolError } from "../protocol/errors.ts";
import type { ExportRequest, ExportResult } from "../protocol/export.ts";
import type { DesiredStates } from "./desired.ts";
import { findOnPath } from "./path_lookup.ts";
import { renderExport } from "./render.ts";

/** Renders `config` per `request`, with `desired` as operator intent when given. */
export function exportLive(
  config: Config,
  request: ExportRequest,
  desired?: DesiredStates,
): ExportResult {
  const { target, ...options } = request;
  const result = renderExport(config, target, {
    ...options,
    ...(desired === undefined ? {} : { desired }),
    resolveExe: findOnPath,
  });
  if (!("error" in result)) return result;
  throw new ProtocolError(result.kind === "usage" ? "BAD_REQUEST" : "EXPORT_FAILED", result.error);
}
