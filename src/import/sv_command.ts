/**
 * supervisord's `command=` splitting: Python's `shlex.split` (POSIX mode, no comments). Where
 * Taskmaster's own string splitting (docs/config.md "cmd") would give the same words, the command
 * is kept as a string; where they differ (`"\$"` keeps its backslash in shlex, a backslash-newline
 * is kept as a newline), the argv list is written instead, so the program gets exactly the words
 * supervisord would have run. Pure.
 */
import { splitCommand } from "../config/converters.ts";
import { ImportError } from "./types.ts";

const BLANK = new Set([" ", "\t", "\r", "\n"]);

/** Python's `shlex.split(text)`; throws Error with shlex's message on bad quoting. */
export function shlexSplit(text: string): string[] {
  // Fast path: without quotes or backslashes both splitters just split on blanks.
  if (!/["'\\]/.test(text)) return text.split(/[ \t\r\n]+/).filter((w) => w !== "");
  const words: string[] = [];
  let token = "";
  let quoted = false;
  let state: "a" | " " | '"' | "'" | "\\" = " ";
  let escaped: "a" | '"' = "a";
  for (const ch of text) {
    if (state === " " || state === "a") {
      if (BLANK.has(ch)) {
        if (state === "a" || quoted) words.push(token);
        token = "";
        quoted = false;
        state = " ";
      } else if (ch === "\\") {
        escaped = "a";
        state = "\\";
      } else if (ch === '"' || ch === "'") {
        quoted = true;
        state = ch;
      } else {
        token += ch;
        state = "a";
      }
    } else if (state === "\\") {
      // Inside double quotes only the quote and the backslash itself can be escaped.
      if (escaped === '"' && ch !== "\\" && ch !== '"') token += "\\";
      token += ch;
      state = escaped;
    } else if (ch === state) {
      state = "a";
    } else if (state === '"' && ch === "\\") {
      escaped = '"';
      state = "\\";
    } else token += ch;
  }
  if (state === '"' || state === "'") throw new Error("No closing quotation");
  if (state === "\\") throw new Error("No escaped character");
  if (state === "a" || quoted || token !== "") words.push(token);
  return words;
}

/** The `cmd` value for a supervisord command: the string, or the argv when splitting differs. */
export function commandValue(command: string, where: string): string | string[] {
  let words: string[];
  try {
    words = shlexSplit(command);
  } catch (e) {
    throw new ImportError(
      `${where}: command: ${(e as Error).message} (supervisord cannot run it either)`,
    );
  }
  if (words.length === 0) throw new ImportError(`${where}: command: empty`);
  if (!/["'\\]/.test(command)) return command;
  const ours = splitCommand(command);
  if ("ok" in ours && JSON.stringify(ours.ok) === JSON.stringify(words)) return command;
  return words;
}
