/**
 * The closed set of control-API error codes, shared by daemon, web page and controller.
 * The controller maps each code to an exit code; nothing else may appear on the wire.
 */
export const ERROR_CODES = [
  "BAD_REQUEST",
  "BAD_NAME",
  "UNKNOWN_COMMAND",
  "ALREADY_STARTED",
  "NOT_RUNNING",
  "SPAWN_ERROR",
  "SHUTTING_DOWN",
  "RELOAD_FAILED",
  "TOO_LARGE",
  "VERSION_MISMATCH",
  "ALERT_FAILED",
  // An export that cannot be rendered (two programs map to one Kubernetes name).
  "EXPORT_FAILED",
  "INTERNAL",
  // Web page guards (docs/web.md "Guards"): bad Host/Origin/CSRF, missing token, wrong method.
  "FORBIDDEN",
  "UNAUTHORIZED",
  "METHOD_NOT_ALLOWED",
] as const;

/** One of {@link ERROR_CODES}. */
export type ErrorCode = typeof ERROR_CODES[number];

/** An error that carries a protocol code; the API renders it as `{ok:false,error:{code,message}}`. */
export class ProtocolError extends Error {
  /** The wire code. */
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.code = code;
    this.name = "ProtocolError";
  }
}

/** True when `value` is one of the known error codes. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && (ERROR_CODES as readonly string[]).includes(value);
}
