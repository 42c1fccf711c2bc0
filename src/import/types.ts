/**
 * Shared shapes of the importers (docs/import.md): the notes every conversion gives, the draft
 * config they build (emitted as YAML by emit_yaml.ts), and the error they throw on bad input.
 * Pure: no Deno APIs.
 */

/** The three import source formats. */
export type ImportKind = "supervisord" | "pm2" | "procfile";

/** How faithfully a source key maps: `exact` notes are informational only. */
export type NoteKind = "exact" | "approximate" | "dropped";

/** One remark about the conversion, printed as `note: PATH: KIND: MESSAGE`. */
export interface Note {
  /** What it concerns, in the source's own naming (`web.priority`, `inet_http_server.port`). */
  readonly path: string;
  readonly kind: NoteKind;
  readonly message: string;
}

/** A scalar of the generated YAML (strings are always quoted by the emitter). */
export type Scalar = string | number | boolean;

/** A value of the generated YAML: a scalar, a flow list or a flow map. */
export type Value = Scalar | readonly Scalar[] | Readonly<Record<string, Scalar>>;

/** One `key: value` line with the notes about it (written as comments just above it). */
export interface Field {
  readonly key: string;
  readonly value: Value;
  readonly notes: Note[];
}

/** A map of fields (the `taskmaster:` section or one program), plus notes about dropped keys. */
export interface Block {
  readonly name: string;
  readonly fields: Field[];
  readonly notes: Note[];
}

/** A whole conversion before it is rendered. */
export interface Draft {
  readonly kind: ImportKind;
  /** The source file as the user named it. */
  readonly file: string;
  readonly daemon: Block;
  readonly programs: Block[];
  /** Notes about whole sections or the file (written in the header). */
  readonly notes: Note[];
}

/** What `--import` produces. */
export interface ImportResult {
  readonly yaml: string;
  readonly notes: readonly Note[];
}

/** Bad input: `text` is the complete message, `FILE:LINE: message` where a line is known. */
export class ImportError extends Error {
  constructor(readonly text: string) {
    super(text);
    this.name = "ImportError";
  }
}

/** `FILE:LINE: message` (or `FILE: message` without a line). */
export function located(file: string, line: number | null, message: string): string {
  return line === null ? `${file}: ${message}` : `${file}:${line}: ${message}`;
}

/** Makes a block and the helpers that fill it. */
export function newBlock(name: string): Block {
  return { name, fields: [], notes: [] };
}

/** Appends `key: value` to `block`, with optional notes about it. */
export function setField(block: Block, key: string, value: Value, ...notes: Note[]): void {
  const existing = block.fields.findIndex((f) => f.key === key);
  const field: Field = { key, value, notes };
  if (existing >= 0) block.fields[existing] = field;
  else block.fields.push(field);
}

/** Every note of a draft, in output order (file, daemon, programs). */
export function allNotes(draft: Draft): Note[] {
  const out: Note[] = [...draft.notes];
  for (const block of [draft.daemon, ...draft.programs]) {
    out.push(...block.notes);
    for (const field of block.fields) out.push(...field.notes);
  }
  return out;
}

/** The stderr form of a note. */
export function noteText(note: Note): string {
  return `note: ${note.path}: ${note.kind}: ${note.message}`;
}
