/**
 * supervisord's `environment=KEY="v",KEY2=v2` syntax, reproduced from its
 * `dict_of_key_value_pairs`: Python's non-POSIX `shlex` with `/.+-():` added to the word
 * characters, read three tokens at a time (`KEY`, `=`, value) skipping a fourth (the comma);
 * quotes stay in the token and are then stripped from both ends; `#` starts a comment. So a
 * quoted value may hold commas and blanks, and an unquoted blank ends the value (docs/import.md
 * "environment"). Pure.
 */
import { ImportError } from "./types.ts";

const WORD = new Set(
  "abcdfeghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_/.+-():",
);
const BLANK = new Set([" ", "\t", "\r", "\n"]);
const QUOTES = new Set(['"', "'"]);

/** Python's `shlex.shlex(text)` tokens (non-POSIX mode, no punctuation characters). */
export function shlexTokens(text: string): string[] {
  const tokens: string[] = [];
  let i = 0;
  let state: string | null = " ";
  const skipLine = () => {
    const nl = text.indexOf("\n", i);
    i = nl < 0 ? text.length : nl + 1;
  };
  while (state !== null) {
    let token = "";
    for (;;) {
      const ch = i < text.length ? text[i++]! : "";
      if (state === " ") {
        if (ch === "") {
          state = null;
          break;
        } else if (BLANK.has(ch)) {
          if (token) break;
        } else if (ch === "#") skipLine();
        else if (WORD.has(ch)) {
          token = ch;
          state = "a";
        } else if (QUOTES.has(ch)) {
          token = ch;
          state = ch;
        } else {
          token = ch;
          break;
        }
      } else if (QUOTES.has(state)) {
        if (ch === "") throw new Error("No closing quotation");
        token += ch;
        if (ch === state) {
          state = " ";
          break;
        }
      } else {
        // word state
        if (ch === "") {
          state = null;
          break;
        } else if (BLANK.has(ch)) {
          state = " ";
          if (token) break;
        } else if (ch === "#") skipLine();
        else if (WORD.has(ch) || QUOTES.has(ch)) token += ch;
        else {
          i--; // pushed back: read again as the next token
          state = " ";
          if (token) break;
        }
      }
    }
    if (token === "") break; // non-POSIX shlex ends at the first empty token
    tokens.push(token);
  }
  return tokens;
}

function stripQuotes(text: string): string {
  return text.replace(/^['"]+/, "").replace(/['"]+$/, "");
}

/** Parses an (already expanded) `environment=` value; `where` is `FILE:LINE` for errors. */
export function parseEnvironment(text: string, where: string): Map<string, string> {
  let tokens: string[];
  try {
    tokens = shlexTokens(text);
  } catch (e) {
    throw new ImportError(
      `${where}: environment: ${e instanceof Error ? e.message : e} in ${clip(text)}`,
    );
  }
  const out = new Map<string, string>();
  for (let i = 0; i < tokens.length; i += 4) {
    const [key, eq, value] = tokens.slice(i, i + 3);
    if (key === undefined || eq !== "=" || value === undefined) {
      throw new ImportError(
        `${where}: environment: unexpected end of KEY=value pairs in ${clip(text)} ` +
          `(quote values holding blanks or other characters: KEY="a b")`,
      );
    }
    const v = stripQuotes(value);
    if (/[\r\n\0]/.test(v)) {
      throw new ImportError(
        `${where}: environment: the value of ${key} holds a line break or NUL, which a Taskmaster env value cannot carry`,
      );
    }
    out.set(key, v);
  }
  return out;
}

function clip(text: string): string {
  const t = JSON.stringify(text);
  return t.length > 80 ? `${t.slice(0, 80)}…` : t;
}
