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
const KEY_CHAR = /[A-Za-z0-9_]/;
/** Escapes of a double-quoted value; any other `\x` stays as both characters. */
const ESCAPES: Readonly<Record<string, string>> = {
  n: "\n",
  r: "\r",
  t: "\t",
  '"': '"',
  "\\": "\\",
  $: "$",
};

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

  constructor(text: string) {
    this.#text = text;
    for (let i = 0; i < text.length; i++) if (text[i] === "\n") this.#lineStarts.push(i + 1);
  }

  run(): EnvFileParse {
    this.#flagControlCharacters();
    while (this.#pos < this.#text.length) this.#statement();
    if (this.#problems.size > 0) {
      const problems = [...this.#problems.values()].sort((a, b) => a.line - b.line);
      return { ok: false, problems };
    }
    // Object.fromEntries defines own properties, so `__proto__` stays an ordinary key.
    return { ok: true, vars: Object.fromEntries(this.#vars) };
  }

  /** NUL cannot be passed to a child at all; a lone CR is neither of the two line ends. */
  #flagControlCharacters(): void {
    for (let i = 0; i < this.#text.length; i++) {
      const c = this.#text[i];
      if (c === "\0") this.#problem(i, "NUL character (not allowed in an env file)");
      else if (c === "\r") this.#problem(i, "carriage return without a line feed");
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
    let end = start + 1;
    while (end < this.#text.length && KEY_CHAR.test(this.#text[end] as string)) end++;
    this.#pos = end;
    return this.#text.slice(start, end);
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
    const start = this.#pos;
    let end = start;
    while (end < this.#text.length && this.#text[end] !== "\n") {
      if (this.#text[end] === "#" && isBlank(this.#text[end - 1])) break;
      end++;
    }
    this.#skipLine();
    return this.#text.slice(start, end).replace(/[ \t]+$/, "");
  }

  /** A quoted value (may span lines); double quotes take the escapes in ESCAPES. */
  #quoted(quote: "'" | '"', unterminated: string): string | null {
    const open = this.#pos;
    let out = "";
    let i = open + 1;
    for (;;) {
      const c = this.#text[i];
      if (c === undefined) {
        // The quote runs to the end of the file: no later line exists on its own to report.
        this.#problem(open, unterminated);
        this.#pos = this.#text.length;
        return null;
      }
      if (c === quote) break;
      if (c === "\\" && quote === '"') {
        const next = this.#text[i + 1];
        if (next !== undefined && Object.hasOwn(ESCAPES, next)) {
          out += ESCAPES[next];
          i += 2;
          continue;
        }
        if (next === undefined) {
          i++;
          continue;
        }
        out += c + next;
        i += 2;
        continue;
      }
      out += c;
      i++;
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
    return out;
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
    if (this.#problems.has(line)) return;
    this.#problems.set(line, { line, col: offset - (this.#lineStarts[lo] as number) + 1, message });
  }
}
