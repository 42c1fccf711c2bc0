/**
 * supervisord's value types (its `datatypes.py`), so the importer accepts exactly what
 * supervisord accepts: booleans `true/false/yes/no/on/off/1/0` in any case, `autorestart`
 * adding `unexpected`, byte sizes with `KB`/`MB`/`GB` (any case), integers as Python's `int()`
 * reads them, octal umasks, signal names or numbers, exit code lists. Each returns the value or
 * `{ error }`. Pure.
 */

/** A value or why it was refused. */
export type Parsed<T> = { ok: T } | { error: string };

const TRUTHY = ["yes", "true", "on", "1"];
const FALSY = ["no", "false", "off", "0"];

/** supervisord's `boolean()`. */
export function svBoolean(text: string): Parsed<boolean> {
  const t = text.toLowerCase();
  if (TRUTHY.includes(t)) return { ok: true };
  if (FALSY.includes(t)) return { ok: false };
  return { error: `not a valid boolean value: ${JSON.stringify(text)}` };
}

/** supervisord's `auto_restart()`: a boolean or `unexpected`. */
export function svAutorestart(text: string): Parsed<boolean | "unexpected"> {
  if (text.toLowerCase() === "unexpected") return { ok: "unexpected" };
  const b = svBoolean(text);
  return "ok" in b ? b : { error: `invalid autorestart value ${JSON.stringify(text)}` };
}

/** Python's `int()` of a string: blanks around, a sign, digits with single `_` between. */
export function svInteger(text: string): Parsed<number> {
  const t = text.trim();
  if (!/^[+-]?\d+(?:_\d+)*$/.test(t)) return { error: `not an integer: ${JSON.stringify(text)}` };
  const n = Number(t.replace(/_/g, ""));
  if (!Number.isSafeInteger(n)) return { error: `integer out of range: ${JSON.stringify(text)}` };
  return { ok: n };
}

/** supervisord's `byte_size()`: an integer with an optional KB/MB/GB suffix (×1024ⁿ). */
export function svByteSize(text: string): Parsed<number> {
  const t = text.toLowerCase();
  const units: Record<string, number> = { kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };
  const unit = units[t.slice(-2)];
  const n = svInteger(unit === undefined ? t : t.slice(0, -2));
  if ("error" in n) return { error: `not a byte size like 50MB: ${JSON.stringify(text)}` };
  const bytes = n.ok * (unit ?? 1);
  return Number.isSafeInteger(bytes) ? { ok: bytes } : { error: `size too large: ${text}` };
}

/** supervisord's `octal_type()`: octal digits, read as octal. */
export function svOctal(text: string): Parsed<number> {
  const t = text.trim();
  if (!/^(?:0[oO])?[0-7]+$/.test(t)) {
    return { error: `not an octal number: ${JSON.stringify(text)}` };
  }
  return { ok: parseInt(t.replace(/^0[oO]/, ""), 8) };
}

/** supervisord's `list_of_exitcodes()`: comma-separated integers 0–255. */
export function svExitcodes(text: string): Parsed<number[]> {
  const codes: number[] = [];
  for (const part of text.split(",")) {
    const n = svInteger(part);
    if ("error" in n || n.ok < 0 || n.ok > 255) {
      return { error: `not a list of exit codes 0-255: ${JSON.stringify(text)}` };
    }
    codes.push(n.ok);
  }
  return { ok: codes };
}

const SIGNAL_NUMBERS: Record<number, string> = {
  1: "HUP",
  2: "INT",
  3: "QUIT",
  9: "KILL",
  10: "USR1",
  12: "USR2",
  15: "TERM",
};

/** supervisord's `signal_number()`, as a bare upper-case name (`TERM`) or `{ error }`. */
export function svSignal(text: string): Parsed<string> {
  const t = text.trim();
  const n = svInteger(t);
  if ("ok" in n) {
    const name = SIGNAL_NUMBERS[n.ok];
    return name === undefined ? { error: `signal ${t}` } : { ok: name };
  }
  return { ok: t.toUpperCase().replace(/^SIG/, "") };
}
