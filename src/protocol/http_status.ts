/**
 * The HTTP status of every error code: the one table behind both the control API and the
 * :4242 page's JSON API, as docs/api.md documents it ("Error codes").
 */
import type { ErrorCode } from "./errors.ts";

/** Status answered with each {@link ErrorCode}. */
export const HTTP_STATUS: Readonly<Record<ErrorCode, number>> = Object.freeze({
  BAD_REQUEST: 400,
  BAD_NAME: 404,
  UNKNOWN_COMMAND: 404,
  ALREADY_STARTED: 409,
  NOT_RUNNING: 409,
  SPAWN_ERROR: 500,
  SHUTTING_DOWN: 503,
  RELOAD_FAILED: 422,
  TOO_LARGE: 413,
  VERSION_MISMATCH: 400,
  ALERT_FAILED: 502,
  EXPORT_FAILED: 422,
  INTERNAL: 500,
  FORBIDDEN: 403,
  UNAUTHORIZED: 401,
  METHOD_NOT_ALLOWED: 405,
});

/** The HTTP status for `code` (500 for anything outside the table). */
export function httpStatus(code: ErrorCode): number {
  return HTTP_STATUS[code] ?? 500;
}
