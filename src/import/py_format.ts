/**
 * Python's `str % mapping`, which supervisord applies to config values (`%(program_name)s`,
 * `%(here)s`, `%(ENV_X)s`, `%(process_num)02d`, `%%`). A bare `%`, an unclosed `%(`, an
 * unknown name or a bad conversion is an error naming where the value was written, as
 * supervisord refuses such a file too (docs/import.md "Expansions"). Pure.
 */
import { ImportError } from "./types.ts";

/** One layer of names: strings, or integers (process_num, numprocs). */
export type ExpansionLayer = Readonly<Record<string, string | number>>;

/** Names available to an expansion: one layer, or layers where a later one wins (no copying). */
export type Expansions = ExpansionLayer | readonly ExpansionLayer[];

function lookup(layers: readonly ExpansionLayer[], name: string): string | number | undefined {
  for (let i = layers.length - 1; i >= 0; i--) {
    if (Object.hasOwn(layers[i]!, name)) return layers[i]![name];
  }
  return undefined;
}

const SPEC_RE = /^([#0\- +]*)(\d*)(?:\.(\d*))?[hlL]?([diouxXsra%])/;

function pad(text: string, flags: string, width: number, numeric: boolean): string {
  if (text.length >= width) return text;
  if (flags.includes("-")) return text.padEnd(width);
  if (numeric && flags.includes("0")) {
    const sign = /^[-+ ]/.test(text) ? text[0]! : "";
    return sign + text.slice(sign.length).padStart(width - sign.length, "0");
  }
  return text.padStart(width);
}

function convert(
  value: string | number,
  conv: string,
  flags: string,
  precision: string | undefined,
): string {
  if (conv === "s" || conv === "r" || conv === "a") {
    let text = typeof value === "number" ? String(value) : value;
    if (conv !== "s" && typeof value === "string") text = `'${text}'`;
    return precision !== undefined ? text.slice(0, Number(precision || "0")) : text;
  }
  if (typeof value !== "number") {
    throw new Error(`%${conv} format: a real number is required, not str`);
  }
  const n = Math.trunc(value);
  let digits = conv === "o"
    ? Math.abs(n).toString(8)
    : conv === "x" || conv === "X"
    ? Math.abs(n).toString(16)
    : String(Math.abs(n));
  if (conv === "X") digits = digits.toUpperCase();
  if (precision !== undefined) digits = digits.padStart(Number(precision || "0"), "0");
  const sign = n < 0 ? "-" : flags.includes("+") ? "+" : flags.includes(" ") ? " " : "";
  return sign + digits;
}

/**
 * Expands `text` with `names`. `key` names the setting and `where` its `FILE:LINE`, both used
 * in errors; every name expanded is added to `used`. Throws ImportError.
 */
export function expandFormat(
  text: string,
  names: Expansions,
  key: string,
  where: string,
  used?: Set<string>,
): string {
  if (!text.includes("%")) return text;
  const layers: readonly ExpansionLayer[] = Array.isArray(names)
    ? names
    : [names as ExpansionLayer];
  let out = "";
  let i = 0;
  const fail = (why: string): never => {
    throw new ImportError(
      `${where}: ${key}: ${why} (supervisord refuses it too; write %% for a literal %)`,
    );
  };
  while (i < text.length) {
    const at = text.indexOf("%", i);
    if (at < 0) {
      out += text.slice(i);
      break;
    }
    out += text.slice(i, at);
    if (text[at + 1] === "%") {
      out += "%";
      i = at + 2;
      continue;
    }
    if (text[at + 1] !== "(") fail(`"%" at column ${at + 1} is not followed by "(" or "%"`);
    // Python counts nested parentheses inside the key.
    let depth = 1;
    let j = at + 2;
    while (j < text.length && depth > 0) {
      if (text[j] === "(") depth++;
      else if (text[j] === ")") depth--;
      j++;
    }
    if (depth > 0) fail(`"%(" without a closing ")"`);
    const name = text.slice(at + 2, j - 1);
    const spec = SPEC_RE.exec(text.slice(j, j + 64));
    if (spec === null) fail(`%(${clip(name)}) is not followed by a conversion like s or d`);
    const [whole, flags, width, precision, conv] = spec as unknown as [
      string,
      string,
      string,
      string | undefined,
      string,
    ];
    if (conv === "%") fail(`%(${clip(name)})% is not a conversion`);
    const value = lookup(layers, name);
    if (value === undefined) {
      const known = [...new Set(layers.flatMap((l) => Object.keys(l)))]
        .filter((k) => !k.startsWith("ENV_")).sort();
      fail(`%(${clip(name)})${conv} names an unknown value (known: ${known.join(", ")}, ENV_*)`);
    }
    used?.add(name);
    let piece: string;
    try {
      piece = convert(value as string | number, conv, flags, precision);
    } catch (e) {
      fail(e instanceof Error ? e.message : String(e));
      piece = "";
    }
    out += pad(piece, flags, Number(width || "0"), !"sra".includes(conv));
    i = j + whole.length;
  }
  return out;
}

function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
