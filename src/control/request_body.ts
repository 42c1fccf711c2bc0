/**
 * Checking control-API request bodies (read by ../body_reader.ts): strict UTF-8, JSON that must
 * be an object, and typed field readers whose errors name the offending field. Every failure is
 * a {@link ProtocolError}.
 */
import { ProtocolError } from "../protocol/errors.ts";
import type { StreamName } from "../protocol/types.ts";

/** A parsed request body: a plain JSON object (own keys only are ever read). */
export type Body = Record<string, unknown>;

/** Decodes a body as strict UTF-8 JSON that must be an object; an empty body is `{}`. */
export function parseBody(bytes: Uint8Array): Body {
  if (bytes.byteLength === 0) return {};
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch (_e) {
    throw new ProtocolError("BAD_REQUEST", "request body is not valid UTF-8");
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    // Includes RangeError from pathological nesting: still just a bad request.
    const why = error instanceof Error ? error.message : String(error);
    throw new ProtocolError("BAD_REQUEST", `request body is not valid JSON: ${why}`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new ProtocolError("BAD_REQUEST", "request body must be a JSON object");
  }
  return value as Body;
}

function own(body: Body, key: string): unknown {
  // JSON.parse makes `__proto__` an own data property, so hasOwn is the only safe read.
  return Object.hasOwn(body, key) ? body[key] : undefined;
}

/** An optional array of strings; throws BAD_REQUEST naming `key` otherwise. */
export function optStringArray(body: Body, key: string): string[] | undefined {
  const value = own(body, key);
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) {
    throw new ProtocolError("BAD_REQUEST", `${key}: must be an array of strings`);
  }
  return value as string[];
}

/** A required, non-empty array of strings. */
export function needNames(body: Body, key = "names"): string[] {
  const value = optStringArray(body, key);
  if (value === undefined || value.length === 0) {
    throw new ProtocolError("BAD_REQUEST", `${key}: at least one name is required`);
  }
  return value;
}

/** A required non-empty string. */
export function needString(body: Body, key: string): string {
  const value = own(body, key);
  if (typeof value !== "string" || value === "") {
    throw new ProtocolError("BAD_REQUEST", `${key}: must be a non-empty string`);
  }
  return value;
}

/** An optional boolean. */
export function optBool(body: Body, key: string): boolean | undefined {
  const value = own(body, key);
  if (value === undefined) return undefined;
  if (typeof value !== "boolean") {
    throw new ProtocolError("BAD_REQUEST", `${key}: must be a boolean`);
  }
  return value;
}

/** An optional integer in `[min, max]`. */
export function optInt(body: Body, key: string, min: number, max: number): number | undefined {
  const value = own(body, key);
  if (value === undefined) return undefined;
  return checkInt(value, key, min, max);
}

/** Checks that `value` is an integer in `[min, max]` (used for query parameters too). */
export function checkInt(value: unknown, key: string, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new ProtocolError("BAD_REQUEST", `${key}: must be an integer from ${min} to ${max}`);
  }
  return value;
}

/** An optional stream name (`stdout` or `stderr`). */
export function optStream(body: Body, key: string): StreamName | undefined {
  const value = own(body, key);
  if (value === undefined) return undefined;
  return checkStream(value, key);
}

/** Checks that `value` is `stdout` or `stderr`. */
export function checkStream(value: unknown, key: string): StreamName {
  if (value !== "stdout" && value !== "stderr") {
    throw new ProtocolError("BAD_REQUEST", `${key}: must be "stdout" or "stderr"`);
  }
  return value;
}
