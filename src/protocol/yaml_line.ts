/**
 * A lexer for ONE line of block-style YAML, restricted to a conservative subset, for the socket
 * scanner (socket_scan.ts). It answers `null` ("unsure") for anything it does not fully
 * understand on a single line — tabs, anchors, aliases, tags, explicit keys, quoted scalars or
 * flow collections left open at the end of the line, glued comments — so that the scanner can
 * fall back to the full parser. Pure: no Deno APIs.
 */

/** A node as read from a single line. */
export type LineNode =
  | { readonly kind: "plain"; readonly text: string }
  | { readonly kind: "quoted"; readonly value: string }
  | { readonly kind: "flow" }
  | { readonly kind: "block" };

/** The shape of one content line: `- - key: value`, each part optional. */
export interface LineShape {
  /** Leading spaces. */
  readonly indent: number;
  /** Columns of the `- ` sequence indicators at the start of the line. */
  readonly dashes: readonly number[];
  /** The implicit key, if the line has one: its column and its scalar value. */
  readonly key: { readonly col: number; readonly text: string } | null;
  /** What follows the last indicator or key on the line; null when nothing does. */
  readonly value: LineNode | null;
}

interface Read {
  readonly node: LineNode;
  readonly end: number;
}

/** Longest implicit key accepted (YAML caps them at 1024 characters). */
const MAX_KEY_CHARS = 1000;

/**
 * Lexes a line that is neither blank nor a comment. Returns null when unsure: the caller must
 * then use the full parser.
 */
export function lexLine(line: string): LineShape | null {
  if (line.includes("\t")) return null;
  let p = 0;
  while (line[p] === " ") p++;
  const indent = p;
  const dashes: number[] = [];
  while (line[p] === "-" && (p + 1 === line.length || line[p + 1] === " ")) {
    dashes.push(p);
    p = skipSpaces(line, p + 1);
  }
  if (atEndOrComment(line, p)) return { indent, dashes, key: null, value: null };
  const first = readNode(line, p);
  if (first === null) return null;
  const q = skipSpaces(line, first.end);
  if (line[q] !== ":" || !(q + 1 === line.length || line[q + 1] === " ")) {
    // A bare node (a sequence item, or a scalar where a key belongs: the caller decides).
    if (!endsCleanly(line, first.end)) return null;
    return { indent, dashes, key: null, value: first.node };
  }
  const keyNode = first.node;
  if (keyNode.kind !== "plain" && keyNode.kind !== "quoted") return null;
  if (first.end - p > MAX_KEY_CHARS) return null;
  const key = { col: p, text: keyNode.kind === "plain" ? keyNode.text : keyNode.value };
  const r = skipSpaces(line, q + 1);
  if (atEndOrComment(line, r)) return { indent, dashes, key, value: null };
  const value = readNode(line, r);
  if (value === null || !endsCleanly(line, value.end)) return null;
  return { indent, dashes, key, value: value.node };
}

function skipSpaces(line: string, i: number): number {
  while (line[i] === " ") i++;
  return i;
}

/** End of line, or a comment (only ever reached after a space or at the line's start). */
function atEndOrComment(line: string, i: number): boolean {
  return i === line.length || line[i] === "#";
}

/** After a node: only spaces, then the end or a comment that a space separates. */
function endsCleanly(line: string, end: number): boolean {
  const i = skipSpaces(line, end);
  return i === line.length || (line[i] === "#" && i > end);
}

function readNode(line: string, p: number): Read | null {
  const c = line[p]!;
  if (c === '"') return readDouble(line, p);
  if (c === "'") return readSingle(line, p);
  if (c === "[" || c === "{") return readFlow(line, p);
  if (c === "|" || c === ">") return readBlockHeader(line, p);
  // `-` may start a plain scalar (`-c`); `- ` was taken as an indicator above. Every other
  // indicator (`? : , ] } # & * ! % @` and backquote) is left to the full parser.
  if ("?:,]}#&*!%@`".includes(c)) return null;
  if (c === "-" && (p + 1 === line.length || line[p + 1] === " ")) return null; // `key: - x`
  return readPlain(line, p);
}

/** Where a block-context plain scalar stops: `: `, a final `:`, or ` #`. */
const PLAIN_STOP = /:(?= |$)| #/g;

/**
 * A block-context plain scalar: up to `: `, a final `:`, ` #` or the end of the line. Found by
 * regular expression rather than a character loop: a cold controller runs this on every line
 * of a large config before the JIT has warmed up.
 */
function readPlain(line: string, p: number): Read {
  PLAIN_STOP.lastIndex = p;
  const stop = PLAIN_STOP.exec(line)?.index ?? line.length;
  const text = line.slice(p, stop).replace(/ +$/, "");
  return { node: { kind: "plain", text }, end: p + text.length };
}

/** Block scalar header: `|` or `>` with an optional chomping indicator, nothing else. */
function readBlockHeader(line: string, p: number): Read | null {
  let i = p + 1;
  if (line[i] === "+" || line[i] === "-") i++;
  if (i < line.length && line[i] !== " ") return null; // indentation indicators and the like
  return { node: { kind: "block" }, end: i };
}

const ESCAPES: Readonly<Record<string, string>> = {
  "0": "\0",
  "a": "\x07",
  "b": "\b",
  "t": "\t",
  "n": "\n",
  "v": "\v",
  "f": "\f",
  "r": "\r",
  "e": "\x1b",
  " ": " ",
  '"': '"',
  "/": "/",
  "\\": "\\",
  "N": "\x85",
  "_": "\xa0",
  "L": "\u2028",
  "P": "\u2029",
};

const HEX_DIGITS: Readonly<Record<string, number>> = { x: 2, u: 4, U: 8 };

/** A double-quoted scalar closed on this line; null if open or with an escape we do not know. */
function readDouble(line: string, p: number): Read | null {
  const close = line.indexOf('"', p + 1);
  const escape = line.indexOf("\\", p + 1);
  if (close > 0 && (escape < 0 || escape > close)) {
    return { node: { kind: "quoted", value: line.slice(p + 1, close) }, end: close + 1 };
  }
  let out = "";
  let i = p + 1;
  while (i < line.length) {
    const ch = line[i]!;
    if (ch === '"') return { node: { kind: "quoted", value: out }, end: i + 1 };
    if (ch !== "\\") {
      out += ch;
      i++;
      continue;
    }
    const e = line[i + 1];
    if (e === undefined) return null; // an escaped line break: the scalar goes on
    const simple = ESCAPES[e];
    if (simple !== undefined) {
      out += simple;
      i += 2;
      continue;
    }
    const digits = HEX_DIGITS[e];
    if (digits === undefined) return null;
    const hex = line.slice(i + 2, i + 2 + digits);
    if (!new RegExp(`^[0-9a-fA-F]{${digits}}$`).test(hex)) return null;
    const code = parseInt(hex, 16);
    if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return null;
    out += String.fromCodePoint(code);
    i += 2 + digits;
  }
  return null;
}

/** A single-quoted scalar closed on this line (`''` is one quote). */
function readSingle(line: string, p: number): Read | null {
  const close = line.indexOf("'", p + 1);
  if (close > 0 && line[close + 1] !== "'") {
    return { node: { kind: "quoted", value: line.slice(p + 1, close) }, end: close + 1 };
  }
  let out = "";
  let i = p + 1;
  while (i < line.length) {
    const ch = line[i]!;
    if (ch === "'") {
      if (line[i + 1] !== "'") return { node: { kind: "quoted", value: out }, end: i + 1 };
      out += "'";
      i += 2;
      continue;
    }
    out += ch;
    i++;
  }
  return null;
}

const FLOW_STOP = ",[]{}";

/**
 * A flow collection closed on this line. Only its extent matters (its content is never the
 * socket), but quotes count only where a scalar starts, as in YAML, so `[don't]` is one plain
 * scalar and `["a]"]` one quoted one. Anything YAML would call an error (`[,]`, `b[1]`, `[a: b:
 * c]`, `[a]b`) is unsure: the library's recovery from it is not ours to predict.
 */
function readFlow(line: string, p: number): Read | null {
  const open: string[] = [];
  /** Per open collection: a `:` was seen in the current entry. */
  const colon: boolean[] = [];
  let i = p;
  let atStart = true; // a node may start here (after `[`, `{`, `,` or `:`)
  let afterScalar = false; // the last node was a scalar (a `:` may follow)
  while (i < line.length) {
    const ch = line[i]!;
    if (ch === " ") {
      i++;
      continue;
    }
    if (ch === "#" && line[i - 1] === " ") return null; // a comment: the collection goes on
    if (ch === "[" || ch === "{") {
      if (!atStart) return null;
      open.push(ch === "[" ? "]" : "}");
      colon.push(false);
      afterScalar = false;
      i++;
    } else if (ch === "]" || ch === "}") {
      if (open.pop() !== ch) return null;
      colon.pop();
      i++;
      if (open.length === 0) return { node: { kind: "flow" }, end: i };
      atStart = false;
      afterScalar = false;
    } else if (ch === ",") {
      if (atStart) return null;
      colon[colon.length - 1] = false;
      atStart = true;
      afterScalar = false;
      i++;
    } else if (ch === ":") {
      if (!afterScalar || colon.at(-1)) return null;
      colon[colon.length - 1] = true;
      atStart = true;
      afterScalar = false;
      i++;
    } else if (!atStart) {
      return null;
    } else if (ch === '"' || ch === "'") {
      const q = ch === '"' ? readDouble(line, i) : readSingle(line, i);
      if (q === null) return null;
      i = q.end;
      atStart = false;
      afterScalar = true;
    } else if ("?&*!|>%@`#-".includes(ch)) {
      return null; // explicit keys, anchors, aliases, tags, `- `…: the full parser's business
    } else {
      while (i < line.length) {
        const c = line[i]!;
        if (FLOW_STOP.includes(c)) break;
        if (c === ":" && (i + 1 === line.length || ` ${FLOW_STOP}`.includes(line[i + 1]!))) break;
        if (c === " " && line[i + 1] === "#") break;
        i++;
      }
      atStart = false;
      afterScalar = true;
    }
  }
  return null;
}
