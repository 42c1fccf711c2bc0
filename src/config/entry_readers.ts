/**
 * Typed readers for one map entry: each validates, reports an error at the value's position
 * with "(got …)", and returns undefined on failure so validation can carry on collecting.
 */
import { isScalar, isSeq, type Scalar } from "yaml";
import { splitCommand } from "./converters.ts";
import { type Ctx, deref, type Entry, got, offsetOf, sourceText } from "./yaml_nodes.ts";

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

/**
 * A command as `cmd` and exec checks take it: a list of strings, or a command line split like a
 * shell (quotes, backslashes; nothing expanded). Undefined after reporting the bad item or line;
 * the caller judges the words themselves.
 */
export function readArgv(ctx: Ctx, e: Entry): string[] | undefined {
  if (!isSeq(e.value)) {
    const s = scalarOf(ctx, e, "a command line or a list of arguments");
    if (s === undefined) return undefined;
    const split = splitCommand(writtenText(ctx, s));
    if ("error" in split) {
      ctx.errors.at(e.offset, e.path, `${split.error} ${got(ctx, s)}`);
      return undefined;
    }
    return split.ok;
  }
  const argv: string[] = [];
  for (const item of e.value.items) {
    const n = deref(ctx, item);
    if (!isScalar(n) || n.value === null) {
      ctx.errors.at(offsetOf(n ?? item), e.path, `list items must be strings ${got(ctx, n)}`);
      return undefined;
    }
    argv.push(writtenText(ctx, n));
  }
  return argv;
}
