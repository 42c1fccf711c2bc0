/**
 * Typed readers for one map entry: each validates, reports an error at the value's position
 * with "(got …)", and returns undefined on failure so validation can carry on collecting.
 */
import { isScalar, type Scalar } from "yaml";
import { type Ctx, type Entry, got, sourceText } from "./yaml_nodes.ts";

/** The entry's scalar node, or undefined after reporting "must be …". */
export function scalarOf(ctx: Ctx, e: Entry, expected: string): Scalar | undefined {
  if (isScalar(e.value) && e.value.value !== null) return e.value;
  ctx.errors.at(e.offset, e.path, `must be ${expected} ${got(ctx, e.value)}`);
  return undefined;
}

/** Integer within [min, max] (max optional). Strings like "3" and fractions are rejected. */
export function readInt(ctx: Ctx, e: Entry, min: number, max?: number): number | undefined {
  const expected = max === undefined ? `an integer ≥ ${min}` : `an integer from ${min} to ${max}`;
  const s = scalarOf(ctx, e, expected);
  if (s === undefined) return undefined;
  const v = s.value;
  if (
    typeof v !== "number" || !Number.isSafeInteger(v) || v < min || (max !== undefined && v > max)
  ) {
    ctx.errors.at(e.offset, e.path, `must be ${expected} ${got(ctx, s)}`);
    return undefined;
  }
  return v;
}

/** Non-negative finite number (durations in seconds, fractions allowed). */
export function readSeconds(ctx: Ctx, e: Entry): number | undefined {
  const expected = "a number of seconds ≥ 0";
  const s = scalarOf(ctx, e, expected);
  if (s === undefined) return undefined;
  const v = s.value;
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0) {
    ctx.errors.at(e.offset, e.path, `must be ${expected} ${got(ctx, s)}`);
    return undefined;
  }
  return v;
}

/** true or false. */
export function readBool(ctx: Ctx, e: Entry): boolean | undefined {
  const s = scalarOf(ctx, e, "true or false");
  if (s === undefined) return undefined;
  if (typeof s.value !== "boolean") {
    ctx.errors.at(e.offset, e.path, `must be true or false ${got(ctx, s)}`);
    return undefined;
  }
  return s.value;
}

/** Non-empty string without NUL; numbers are not silently turned into strings here. */
export function readString(ctx: Ctx, e: Entry): string | undefined {
  const s = scalarOf(ctx, e, "a string");
  if (s === undefined) return undefined;
  if (typeof s.value !== "string" || s.value === "" || s.value.includes("\0")) {
    ctx.errors.at(e.offset, e.path, `must be a non-empty string ${got(ctx, s)}`);
    return undefined;
  }
  return s.value;
}

/**
 * A scalar's text for fields read "as written" (umask, env values, cmd list items):
 * strings as they are, numbers and booleans exactly as in the source.
 */
export function writtenText(ctx: Ctx, s: Scalar): string {
  if (typeof s.value === "string") return s.value;
  return sourceText(ctx, s);
}
