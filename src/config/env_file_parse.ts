/**
 * The env file format (docs/config.md "env_file format"): a strict dotenv subset, parsed from
 * already-decoded text into variables, or into every bad line with its position. Pure: no I/O,
 * never throws, no interpolation of any kind.
 */

/** One bad line of an env file; `line`/`col` count from 1 in the file itself. */
export interface EnvFileProblem {
  readonly line: number;
  readonly col: number;
  readonly message: string;
}

/** The variables of a well-formed file (last duplicate wins), or every problem found. */
export type EnvFileParse =
  | { readonly ok: true; readonly vars: Readonly<Record<string, string>> }
  | { readonly ok: false; readonly problems: readonly EnvFileProblem[] };

const KEY_START = /[A-Za-z_]/;
/** Sticky: matches a whole KEY at `lastIndex`. */
const KEY = /[A-Za-z_][A-Za-z0-9_]*/y;
/** Sticky: an unquoted value up to the end of the line or a blank-then-`#` comment. */
const UNQUOTED = /(?:[^\n#]|(?<![ \t])#)*/y;
/** Escapes of a double-quoted value; any other `\x` stays as both characters. */
const ESCAPES: Readonly<Record<string, string>> = {
  n: "\n",
  r: "\r",
  t: "\t",
  '"': '"',
  "\\": "\\",
  $: "$",
};

/** Problems kept per file; past it the rest is not checked (the message says so). */
export const MAX_ENV_FILE_PROBLEMS = 100;

const isBlank = (c: string | undefined): boolean => c === " " || c === "\t";

/** Parses env file text (BOM ignored, CRLF read as LF everywhere, inside quotes too). */
export function parseEnvFile(raw: string): EnvFileParse {
  const text = (raw.startsWith("\uFEFF") ? raw.slice(1) : raw).replaceAll("\r\n", "\n");
  return new Parser(text).run();
}

class Parser {
  readonly #text: string;
  readonly #lineStarts: number[] = [0];
  /** First problem of each line; a line is reported once. */
  readonly #problems = new Map<number, EnvFileProblem>();
  readonly #vars = new Map<string, string>();
  #pos = 0;
  readonly #nextSeen = new Map<string, number>();
  /** Line where checking stopped after MAX_ENV_FILE_PROBLEMS problems, else null. */
  #stoppedAt: number | null = null;

  constructor(text: string) {
    this.#text = text;
    for (let i = 0; i < text.length; i++) if (text[i] === "\n") this.#lineStarts.push(i + 1);
  }

  run(): EnvFileParse {
    this.#flagControlCharacters();
    while (this.#pos < this.#text.length && this.#stoppedAt === null) this.#statement();
    if (this.#problems.size > 0) {
      const problems = [...this.#problems.values()].sort((a, b) => a.line - b.line);
      if (this.#stoppedAt !== null) {
        problems.push({
          line: this.#stoppedAt,
          col: 1,
          message: `more than ${MAX_ENV_FILE_PROBLEMS} bad lines; the rest was not checked`,
        });
      }
      return { ok: false, problems };
    }
    // Object.fromEntries defines own properties, so `__proto__` stays an ordinary key.
    return { ok: true, vars: Object.fromEntries(this.#vars) };
  }

  /** NUL cannot be passed to a child at all; a lone CR is neither of the two line ends. */
  #flagControlCharacters(): void {
    const found = /[\0\r]/g;
    for (let m = found.exec(this.#text); m !== null; m = found.exec(this.#text)) {
      if (this.#stoppedAt !== null) return;
      if (m[0] === "\0") this.#problem(m.index, "NUL character (not allowed in an env file)");
      else this.#problem(m.index, "carriage return without a line feed");
      // A line is reported once: go on from the next line.
      const nl = this.#text.indexOf("\n", m.index);
      if (nl === -1) return;
      found.lastIndex = nl + 1;
    }
  }

  /** One logical line (or a quoted value spanning several); leaves #pos at the next line. */
  #statement(): void {
    this.#skipBlanks();
    const c = this.#text[this.#pos];
    if (c === undefined) return;
    if (c === "\n") {
      this.#pos++;
      return;
    }
    if (c === "#") return this.#skipLine();
    if (this.#text.startsWith("export", this.#pos) && isBlank(this.#text[this.#pos + 6])) {
      this.#pos += 6;
      this.#skipBlanks();
    }
    const keyAt = this.#pos;
    const key = this.#key();
    if (key === null) return this.#skipLine();
    this.#skipBlanks();
    if (this.#text[this.#pos] !== "=") {
      const rest = this.#text[this.#pos];
      this.#problem(
        this.#pos,
        rest === undefined || rest === "\n" || rest === "#"
          ? `missing "=" after ${key}`
          : `invalid variable name ${JSON.stringify(this.#token(keyAt))}`,
      );
      return this.#skipLine();
    }
    this.#pos++;
    this.#skipBlanks();
    const value = this.#value();
    if (value !== null) this.#vars.set(key, value);
  }

  /** A KEY, or null after reporting the whole bad token. */
  #key(): string | null {
    const start = this.#pos;
    if (!KEY_START.test(this.#text[start] ?? "")) {
      const token = this.#token(start);
      this.#problem(
        start,
        token === "" ? "missing variable name" : `invalid variable name ${JSON.stringify(token)}`,
      );
      return null;
    }
    KEY.lastIndex = start;
    const key = (KEY.exec(this.#text) as RegExpExecArray)[0];
    this.#pos = start + key.length;
    return key;
  }

  /** The text from `start` up to `=`, a blank or the end of the line (shortened for messages). */
  #token(start: number): string {
    let end = start;
    while (end < this.#text.length && !"=\n \t".includes(this.#text[end] as string)) end++;
    const token = this.#text.slice(start, end);
    return token.length > 40 ? `${token.slice(0, 40)}…` : token;
  }

  #value(): string | null {
    const c = this.#text[this.#pos];
    if (c === "'") return this.#quoted("'", "unterminated single quote");
    if (c === '"') return this.#quoted('"', "unterminated double quote");
    return this.#unquoted();
  }

  /** To the end of the line; ` #` starts a comment; trailing blanks trimmed; `\` literal. */
  #unquoted(): string {
    UNQUOTED.lastIndex = this.#pos;
    const value = (UNQUOTED.exec(this.#text) as RegExpExecArray)[0];
    this.#skipLine();
    return value.replace(/[ \t]+$/, "");
  }

  /** A quoted value (may span lines); double quotes take the escapes in ESCAPES. */
  #quoted(quote: "'" | '"', unterminated: string): string | null {
    const open = this.#pos;
    // Copy runs between special characters in slices: a 1 MiB value stays linear and cheap.
    const text = this.#text;
    const out: string[] = [];
    let i = open + 1;
    for (;;) {
      const q = this.#next(quote, i);
      const b = quote === '"' ? this.#next("\\", i) : Infinity;
      const at = Math.min(q, b);
      const next = text[at + 1];
      if (at === Infinity || (at === b && next === undefined)) {
        // The quote runs to the end of the file: no later line exists on its own to report.
        this.#problem(open, unterminated);
        this.#pos = text.length;
        return null;
      }
      out.push(text.slice(i, at));
      if (at === q) {
        i = at;
        break;
      }
      // A backslash inside double quotes: a known escape, or both characters kept.
      out.push(Object.hasOwn(ESCAPES, next as string) ? ESCAPES[next as string]! : `\\${next}`);
      i = at + 2;
    }
    this.#pos = i + 1;
    this.#skipBlanks();
    const after = this.#text[this.#pos];
    if (after !== undefined && after !== "\n" && after !== "#") {
      this.#problem(this.#pos, `unexpected text after the closing quote`);
      this.#skipLine();
      return null;
    }
    this.#skipLine();
    return out.join("");
  }

  /**
   * Offset of the next `char` at or after `from`, Infinity when none is left. Parsing only moves
   * forward, so each answer is remembered until passed: every search of the file is linear in
   * total, however many quoted values it holds.
   */
  #next(char: string, from: number): number {
    const known = this.#nextSeen.get(char);
    if (known !== undefined && known >= from) return known;
    const found = this.#text.indexOf(char, from);
    const at = found === -1 ? Infinity : found;
    this.#nextSeen.set(char, at);
    return at;
  }

  #skipBlanks(): void {
    while (isBlank(this.#text[this.#pos])) this.#pos++;
  }

  /** Moves past the next LF (or to the end). */
  #skipLine(): void {
    const nl = this.#text.indexOf("\n", this.#pos);
    this.#pos = nl === -1 ? this.#text.length : nl + 1;
  }

  #problem(offset: number, message: string): void {
    let lo = 0;
    let hi = this.#lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.#lineStarts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    const line = lo + 1;
    if (this.#problems.has(line) || this.#stoppedAt !== null) return;
    if (this.#problems.size >= MAX_ENV_FILE_PROBLEMS) {
      this.#stoppedAt = line;
      return;
    }
    this.#problems.set(line, { line, col: offset - (this.#lineStarts[lo] as number) + 1, message });
  }
}
