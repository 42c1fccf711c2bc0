/**
 * Finds `taskmaster.socket` in a config's text WITHOUT the YAML library, when the text's shape
 * makes the answer certain; otherwise says "unsure" and the caller runs the full parse
 * (socket_path.ts). Whenever it answers, the answer equals the full parse's (tests/unit/protocol
 * prove it with a table and a differential fuzz). It exists because `taskmasterctl -c FILE`
 * would otherwise load the YAML library and parse every program just to find one path
 * (docs/cli.md "Finding the socket"). Pure: no Deno APIs.
 *
 * Two shapes are understood: block-style YAML in a conservative subset (see yaml_line.ts), read
 * line by line up to the end of taskmaster's entry (the rest only checked for top-level lines
 * that could repeat the key), and JSON (a YAML subset) read with the native JSON parser.
 */
import { lexLine, type LineShape } from "./yaml_line.ts";

/** The scan's verdict: the socket value (null when absent or not a string), or unsure. */
export type SocketScan =
  | { readonly sure: true; readonly value: string | null }
  | { readonly sure: false };

const UNSURE: SocketScan = { sure: false };

/**
 * Characters after which we do not trust a line-based reading: C0/C1 controls other than tab
 * and line feed, a carriage return not before a line feed, Unicode line/paragraph separators, a
 * byte-order mark past the start, non-characters and lone surrogates.
 */
const UNTRUSTED =
  // deno-lint-ignore no-control-regex -- matching control characters is the point
  /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]|\r(?!\n)|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Reads `taskmaster.socket` from `text` if the text's shape makes that certain. */
export function scanSocketValue(text: string): SocketScan {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (UNTRUSTED.test(text)) return UNSURE;
  const first = text.search(/[^ \r\n]/);
  if (first >= 0 && text[first] === "{") return scanJson(text);
  return scanBlock(text.split("\n").map((l) => l.endsWith("\r") ? l.slice(0, -1) : l));
}

/**
 * JSON: the native parser, trusted only where JSON and YAML agree for our two keys. Without
 * `\u` escapes, a key equal to "taskmaster" or "socket" is spelled so in the text, so counting
 * the spellings rules out duplicates (JSON keeps the last, the YAML reading the first).
 */
function scanJson(text: string): SocketScan {
  if (text.includes("\\u") || text.includes("\t")) return UNSURE;
  if (count(text, '"taskmaster"') > 1 || count(text, '"socket"') > 1) return UNSURE;
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch {
    return UNSURE;
  }
  if (!isRecord(root)) return UNSURE;
  const tm = Object.hasOwn(root, "taskmaster") ? root["taskmaster"] : undefined;
  if (!isRecord(tm) || !Object.hasOwn(tm, "socket")) return { sure: true, value: null };
  const socket = tm["socket"];
  return { sure: true, value: typeof socket === "string" ? socket : null };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function count(text: string, needle: string): number {
  let n = 0;
  for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) n++;
  return n;
}

/** An open block collection: its column, kind, and whether it is the root or taskmaster's map. */
interface Frame {
  readonly col: number;
  readonly kind: "map" | "seq";
  readonly role: "root" | "taskmaster" | "other";
  /** A sequence at its parent key's own column (`key:\n- a`), closed by the next key there. */
  readonly compact: boolean;
}

/** A line ended with an empty value: the next line may open that value's collection. */
interface Pending {
  readonly col: number;
  readonly fromKey: boolean;
  readonly taskmaster: boolean;
}

/**
 * After taskmaster's entry: a top-level line that could be a second `taskmaster` (however
 * spelled: quoted, explicit, tagged, aliased) or `socket`, a document marker or directive, a
 * root sequence or flow collection, or a tab. Deliberately broad: a match only costs the parse.
 */
const LATER_RISK = /^(?:taskmaster|socket|["'?{[&*!%@`|>\t-]|<<|\.\.\.)/m;

/** Walks the lines with an indentation stack; unsure at the first thing outside the subset. */
function scanBlock(lines: readonly string[]): SocketScan {
  const frames: Frame[] = [];
  let pending: Pending | null = null;
  let block: { parentCol: number; contentIndent: number } | null = null;
  let started = false;
  let taskmasterSeen = false;
  let socket: { value: string } | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (block !== null) {
      // Block scalar content: blank lines and lines indented past the parent belong to it.
      const ind = leadingSpaces(line);
      if (ind === line.length) continue;
      if (ind > block.parentCol) {
        if (block.contentIndent < 0) block.contentIndent = ind;
        else if (ind < block.contentIndent) return UNSURE;
        continue;
      }
      block = null;
    }
    const ind = leadingSpaces(line);
    if (ind === line.length || line[ind] === "#") {
      if (line.includes("\t")) return UNSURE;
      continue;
    }
    if (ind === 0 && taskmasterSeen) {
      // taskmaster's entry is complete, and YAML reads top-down: what follows cannot change it.
      // Only a line that might repeat the key or start another document is left to the parse.
      if (LATER_RISK.test(lines.slice(i).join("\n"))) return UNSURE;
      break;
    }
    if (ind === 0 && /^(---|\.\.\.|%)/.test(line)) {
      // Only one document start, before any content; no directives, no document end.
      if (started || !/^---( +(#.*)?)?$/.test(line)) return UNSURE;
      started = true;
      continue;
    }
    started = true;
    const shape = lexLine(line);
    if (shape === null) return UNSURE;
    const step = placeLine(frames, pending, shape);
    if (step === null) return UNSURE;
    pending = null;
    const last = step.lastCol;
    if (shape.key !== null) {
      const k = shape.key.text;
      if (step.keyRole === "taskmaster" && k === "socket") {
        if (socket !== null) return UNSURE;
        const value = socketString(shape);
        if (value === null) return UNSURE;
        socket = { value };
      } else if (step.keyRole === "root" && k === "taskmaster") {
        if (taskmasterSeen || shape.value !== null) return UNSURE;
        taskmasterSeen = true;
        pending = { col: last, fromKey: true, taskmaster: true };
        continue;
      } else if (k === "socket" || k === "taskmaster" || k === "<<") {
        return UNSURE; // out of place: leave such files to the full parser
      }
    }
    if (shape.value === null) {
      pending = { col: last, fromKey: shape.key !== null, taskmaster: false };
    } else if (shape.value.kind === "block") block = { parentCol: last, contentIndent: -1 };
  }
  return { sure: true, value: socket === null ? null : socket.value };
}

function leadingSpaces(line: string): number {
  const i = line.search(/[^ ]/);
  return i < 0 ? line.length : i;
}

/**
 * Fits a line into the open collections (popping, continuing or opening them). Returns the
 * role of the map holding the line's key and the column of the line's last part, or null when
 * the indentation is anything but plain nesting.
 */
function placeLine(
  frames: Frame[],
  pending: Pending | null,
  shape: LineShape,
): { keyRole: Frame["role"] | null; lastCol: number } | null {
  const parts: { col: number; kind: "map" | "seq" }[] = shape.dashes.map((col) => ({
    col,
    kind: "seq",
  }));
  if (shape.key !== null) parts.push({ col: shape.key.col, kind: "map" });
  const head = parts[0];
  if (head === undefined) return null; // a bare scalar where an entry belongs
  const ind = shape.indent;
  const top = frames.at(-1);
  const opensPending = pending !== null &&
    (ind > pending.col ||
      (ind === pending.col && pending.fromKey && head.kind === "seq" && top?.kind === "map" &&
        top.col === ind));
  if (opensPending) {
    if (pending.taskmaster && (head.kind !== "map" || ind === pending.col)) return null;
    frames.push({
      col: ind,
      kind: head.kind,
      role: pending.taskmaster ? "taskmaster" : "other",
      compact: ind === pending.col,
    });
  } else if (frames.length === 0) {
    if (ind !== 0 || head.kind !== "map") return null;
    frames.push({ col: 0, kind: "map", role: "root", compact: false });
  } else {
    while ((frames.at(-1)?.col ?? -1) > ind) frames.pop();
    let current = frames.at(-1);
    if (current?.compact && current.col === ind && head.kind === "map") {
      frames.pop();
      current = frames.at(-1);
    }
    if (current === undefined || current.col !== ind || current.kind !== head.kind) return null;
  }
  for (const part of parts.slice(1)) {
    frames.push({ col: part.col, kind: part.kind, role: "other", compact: false });
  }
  const holder = frames.at(-1)!;
  const keyRole = shape.key !== null ? holder.role : null;
  return { keyRole, lastCol: parts.at(-1)!.col };
}

/** Core-schema words a plain scalar could mean other than a string. */
const NOT_A_STRING = /^(?:null|Null|NULL|true|True|TRUE|false|False|FALSE)$/;

/**
 * The socket's value if it is certainly a string: quoted, or plain and not a null, boolean or
 * number (a plain value with a `/`, or starting with a letter that is no such word).
 */
function socketString(shape: LineShape): string | null {
  const v = shape.value;
  if (v === null) return null;
  if (v.kind === "quoted") return v.value;
  if (v.kind !== "plain") return null;
  if (v.text.includes("/")) return v.text;
  if (/^[A-Za-z_]/.test(v.text) && !NOT_A_STRING.test(v.text)) return v.text;
  return null;
}
