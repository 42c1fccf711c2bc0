/**
 * Renders a Draft as Taskmaster YAML text with a comment header naming the source and one
 * comment per note just above the line it concerns (docs/import.md "Output"). Every string is
 * written double-quoted with YAML escapes, so no value can turn into another type, a comment or
 * a second line. Pure.
 */
import type { Block, Draft, Note, Scalar, Value } from "./types.ts";
import { noteText } from "./types.ts";

/** Quotes `text` as a YAML double-quoted scalar that reads back byte-identical. */
export function quoteYaml(text: string): string {
  // Not printable in YAML (C0/C1 controls, DEL, BOM, non-characters, lone surrogates), plus the
  // two characters a double-quoted scalar must escape.
  // deno-lint-ignore no-control-regex -- control characters are exactly what is escaped here
  const special = /["\\\u0000-\u001f\u007f-\u009f\ufeff\ufffe\uffff]|[\ud800-\udfff]/gu;
  return `"${
    text.replace(special, (ch) => {
      if (ch === '"') return '\\"';
      if (ch === "\\") return "\\\\";
      if (ch === "\n") return "\\n";
      if (ch === "\t") return "\\t";
      if (ch === "\r") return "\\r";
      return `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`;
    })
  }"`;
}

function scalar(value: Scalar): string {
  if (typeof value === "string") return quoteYaml(value);
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`cannot emit number ${value}`);
    return String(value);
  }
  return value ? "true" : "false";
}

/** Renders one value in flow style. */
export function renderValue(value: Value): string {
  if (Array.isArray(value)) return `[${value.map((v) => scalar(v)).join(", ")}]`;
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, Scalar>);
    if (entries.length === 0) return "{}";
    return `{ ${entries.map(([k, v]) => `${quoteYaml(k)}: ${scalar(v)}`).join(", ")} }`;
  }
  return scalar(value as Scalar);
}

/** A comment line: control characters shown as `\xNN` so a note never breaks the YAML. */
function comment(indent: string, text: string): string {
  const safe = text.replace(
    // deno-lint-ignore no-control-regex -- control characters are exactly what is escaped here
    /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`,
  );
  return `${indent}# ${safe}`;
}

function notesLines(indent: string, notes: readonly Note[]): string[] {
  return notes.map((n) => comment(indent, noteText(n)));
}

function blockLines(block: Block, indent: string): string[] {
  const lines = notesLines(indent, block.notes);
  for (const field of block.fields) {
    lines.push(...notesLines(indent, field.notes));
    lines.push(`${indent}${field.key}: ${renderValue(field.value)}`);
  }
  return lines;
}

/** The whole YAML text of `draft`. */
export function emitYaml(draft: Draft): string {
  const lines = [
    comment("", `Imported by taskmasterd --import ${draft.kind} from ${draft.file}`),
    comment("", "Check it with: taskmasterd -t -c THIS_FILE"),
    ...notesLines("", draft.notes),
  ];
  const daemon = blockLines(draft.daemon, "  ");
  if (daemon.length > 0) lines.push("taskmaster:", ...daemon);
  if (draft.programs.length === 0) lines.push("programs: {}");
  else {
    lines.push("programs:");
    for (const program of draft.programs) {
      lines.push(`  ${quoteYaml(program.name)}:`, ...blockLines(program, "    "));
    }
  }
  return lines.join("\n") + "\n";
}
