/**
 * One INI file read the way supervisord 4 reads it: Python 3's `configparser.RawConfigParser`
 * with `inline_comment_prefixes=(";", "#")` and `strict=False` (docs/import.md "INI syntax").
 * - full-line comments start with `#` or `;`; inline ones need a blank before the prefix;
 * - `key = value` or `key: value` (the first `=` or `:` splits), keys lower-cased, values trimmed;
 * - a line indented deeper than its key continues the value (joined with `\n`);
 * - `[name]` opens a section; a repeated section or key merges, the later value winning.
 * Every malformed line is collected (as RawConfigParser does) and reported `FILE:LINE`. Pure.
 */
import { located } from "./types.ts";

/** One `key = value` as read, with the line it started on. */
export interface IniOption {
  readonly value: string;
  readonly line: number;
}

/** One section occurrence, in file order. */
export interface IniSection {
  readonly name: string;
  readonly line: number;
  readonly options: Map<string, IniOption>;
}

/** A parsed file: sections in first-appearance order, duplicates merged, plus what merged. */
export interface IniFile {
  readonly sections: IniSection[];
  /** `LINE: text` for each repeated section or key (the later value won). */
  readonly merges: { line: number; what: string }[];
  readonly errors: string[];
}

const OPTION_RE = /^(.*?)\s*([=:])\s*(.*)$/;
const SECTION_RE = /^\[(.+)\]/;

/** Where an inline comment starts (a `;` or `#` at the start or after a blank), or -1. */
function inlineCommentStart(line: string): number {
  let best = -1;
  for (const prefix of [";", "#"]) {
    let at = line.indexOf(prefix);
    while (at > 0 && !/\s/.test(line[at - 1]!)) at = line.indexOf(prefix, at + 1);
    if (at >= 0 && (best < 0 || at < best)) best = at;
  }
  return best;
}

/** Parses `text` (the contents of `file`). Never throws. */
export function parseIni(text: string, file: string): IniFile {
  const sections: IniSection[] = [];
  const byName = new Map<string, IniSection>();
  const merges: { line: number; what: string }[] = [];
  const errors: string[] = [];
  const added = new Set<string>();
  let current: IniSection | null = null;
  let optionName: string | null = null;
  let parts: string[] | null = null;
  let indentLevel = 0;
  const pending = new Map<IniSection, Map<string, { parts: string[]; line: number }>>();

  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  if (lines.at(-1) === "") lines.pop();
  lines.forEach((raw, index) => {
    const lineNo = index + 1;
    let commentStart = inlineCommentStart(raw);
    const stripped = raw.trim();
    if (stripped.startsWith("#") || stripped.startsWith(";")) commentStart = 0;
    const value = (commentStart >= 0 ? raw.slice(0, commentStart) : raw).trim();
    if (value === "") {
      // An empty line inside a value is kept (trailing ones are trimmed at the end), but not a
      // comment-only line.
      if (commentStart < 0 && parts !== null) parts.push("");
      return;
    }
    const indent = raw.search(/\S/);
    if (current !== null && parts !== null && indent > indentLevel) {
      parts.push(value);
      return;
    }
    indentLevel = indent;
    const header = SECTION_RE.exec(value);
    if (header !== null) {
      const name = header[1]!;
      const existing = byName.get(name);
      if (existing !== undefined) {
        merges.push({ line: lineNo, what: `section [${name}] repeated; its keys merge` });
        current = existing;
      } else {
        current = { name, line: lineNo, options: new Map() };
        byName.set(name, current);
        sections.push(current);
        pending.set(current, new Map());
      }
      optionName = null;
      parts = null;
      return;
    }
    if (current === null) {
      errors.push(located(file, lineNo, `a key before any [section] header: ${clip(raw)}`));
      return;
    }
    const option = OPTION_RE.exec(value);
    if (option === null || option[1]!.trimEnd() === "") {
      errors.push(
        located(file, lineNo, `not a "key = value" line, section header or comment: ${clip(raw)}`),
      );
      optionName = null;
      parts = null;
      return;
    }
    optionName = option[1]!.trimEnd().toLowerCase();
    const key = `${current.name}\u0000${optionName}`;
    if (added.has(key)) {
      merges.push({
        line: lineNo,
        what: `[${current.name}] ${optionName} repeated; the later value wins`,
      });
    }
    added.add(key);
    parts = [option[3]!.trim()];
    pending.get(current)!.set(optionName, { parts, line: lineNo });
  });
  for (const [section, options] of pending) {
    for (const [name, { parts: p, line }] of options) {
      section.options.set(name, { value: p.join("\n").trimEnd(), line });
    }
  }
  return { sections, merges, errors };
}

function clip(text: string): string {
  const t = text.trim();
  return t.length > 60 ? `${t.slice(0, 60)}…` : t;
}
