/**
 * Pure converters for single config values (docs/config.md "Value rules"). Each returns the
 * converted value or a `{ error }` with the message tail; callers add path and position.
 * No Deno APIs, no I/O.
 */
import type { AutoRestart, CriticalMode, SignalName } from "./types.ts";
import { STOP_SIGNALS } from "../protocol/signals.ts";

/** A conversion failure: the message after `key.path: `. */
export interface FieldError {
  readonly error: string;
}

/** Either a value or a failure. */
export type FieldResult<T> = { readonly ok: T } | FieldError;

/** Signals accepted by `stopsignal`, without the SIG prefix. */
export const SIGNAL_NAMES: readonly string[] = STOP_SIGNALS.map((name) => name.slice(3));

/** Program name rule (docs/config.md "Program names"). */
export const PROGRAM_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** Longest program name. */
export const MAX_PROGRAM_NAME = 64;

/**
 * umask from its source text (quotes already removed): 1–4 octal digits with an optional `0o`
 * prefix, read as octal, at most 0o777. `022`, `77`, `0o022` and `0022` are all accepted.
 */
export function parseUmask(text: string): FieldResult<number> {
  const m = /^(?:0[oO])?([0-7]{1,4})$/.exec(text.trim());
  if (m === null) return { error: `must be 1 to 4 octal digits, like 022 (got ${text})` };
  const v = parseInt(m[1] as string, 8);
  if (v > 0o777) return { error: `must be at most 0777 (got ${text})` };
  return { ok: v };
}

/** `stopsignal`: name with or without SIG, any case; numbers are rejected. */
export function parseSignal(text: string): FieldResult<SignalName> {
  const bare = text.trim().toUpperCase().replace(/^SIG/, "");
  if (SIGNAL_NAMES.includes(bare)) {
    return { ok: `SIG${bare}` as SignalName };
  }
  return { error: `must be one of ${SIGNAL_NAMES.join(", ")} (got ${text})` };
}

/** `autorestart`: true | false | unexpected (booleans already mapped by the caller). */
export function parseAutorestart(v: unknown): FieldResult<AutoRestart> {
  if (v === true) return { ok: "always" };
  if (v === false) return { ok: "never" };
  if (v === "unexpected") return { ok: "unexpected" };
  return { error: "must be true, false or unexpected" };
}

/** The written values of `critical`, besides `false`. */
export const CRITICAL_MODES: readonly CriticalMode[] = ["fatal", "unexpected", "exit"];

/**
 * `critical`: false | fatal | unexpected | exit. `true` is refused with a hint, since it would not
 * say which endings count (docs/config.md "critical").
 */
export function parseCritical(v: unknown): FieldResult<CriticalMode | false> {
  if (v === false) return { ok: false };
  if (v === true) return { error: "true is ambiguous: say fatal, unexpected or exit" };
  if (typeof v === "string" && (CRITICAL_MODES as readonly string[]).includes(v)) {
    return { ok: v as CriticalMode };
  }
  return { error: "must be false, fatal, unexpected or exit" };
}

/**
 * POSIX-like word splitting: blanks separate words; `'…'` is literal; `"…"` keeps its content
 * with `\` escaping only `"`, `\`, `$` and `` ` ``; a bare `\` escapes the next character.
 * No `$`, `~` or glob expansion. Unterminated quotes and a trailing `\` are errors.
 */
export function splitCommand(cmd: string): FieldResult<string[]> {
  const words: string[] = [];
  let cur = "";
  let inWord = false;
  for (let i = 0; i < cmd.length; i++) {
    const ch = cmd[i] as string;
    if (ch === " " || ch === "\t" || ch === "\n" || ch === "\r") {
      if (inWord) words.push(cur);
      cur = "";
      inWord = false;
    } else if (ch === "'") {
      const end = cmd.indexOf("'", i + 1);
      if (end === -1) return { error: "unterminated ' quote" };
      cur += cmd.slice(i + 1, end);
      inWord = true;
      i = end;
    } else if (ch === '"') {
      let j = i + 1;
      for (; j < cmd.length && cmd[j] !== '"'; j++) {
        if (cmd[j] === "\\" && j + 1 < cmd.length && '"\\$`'.includes(cmd[j + 1] as string)) j++;
        cur += cmd[j];
      }
      if (j >= cmd.length) return { error: 'unterminated " quote' };
      inWord = true;
      i = j;
    } else if (ch === "\\") {
      if (i + 1 >= cmd.length) return { error: "ends with a lone backslash" };
      i++;
      // A backslash-newline is a line continuation, as in sh.
      if (cmd[i] !== "\n") cur += cmd[i];
      inWord = true;
    } else {
      cur += ch;
      inWord = true;
    }
  }
  if (inWord) words.push(cur);
  return { ok: words };
}

/** Why `name` is not a valid program name, or null when it is. */
export function programNameProblem(name: string): string | null {
  if (name === "all") return `"all" is reserved (it addresses every program)`;
  if (name.length > MAX_PROGRAM_NAME) {
    // Checked first so a 100k-character name is never echoed back whole.
    return `program names are at most ${MAX_PROGRAM_NAME} characters (got ${name.length})`;
  }
  if (!PROGRAM_NAME_RE.test(name)) {
    return `invalid program name ${
      JSON.stringify(name)
    }: use letters, digits, "_", "." and "-", starting with a letter or digit`;
  }
  return null;
}

/** Basic e-mail address check: one `@`, no blanks, CR/LF or header-significant characters. */
export function emailProblem(addr: string): string | null {
  if (/^[^\s@<>,;:"()\[\]\\]+@[^\s@<>,;:"()\[\]\\]+$/.test(addr)) return null;
  return `must be an e-mail address like ops@example.com (got ${JSON.stringify(addr)})`;
}

/** True for a loopback host name: 127.x.x.x, localhost, ::1 (bracketed or not). */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  if (h === "localhost" || h === "::1" || h === "[::1]") return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}
