/**
 * Collects configuration errors with their positions and renders them in the one-line format of
 * docs/config.md "Errors" (`FILE:LINE:COL: key.path: message`), so validation can report every
 * problem at once.
 */
import type { LineCounter } from "yaml";
import type { ConfigError } from "./types.ts";

/** Beyond this many errors the rest are summarised in one line (a garbage file stays readable). */
export const MAX_ERRORS = 100;

/** Formats one error line; `line`/`col` null means a file-level error (`FILE: message`). */
export function formatConfigError(
  file: string,
  line: number | null,
  col: number | null,
  path: string,
  message: string,
): string {
  const where = line === null ? file : `${file}:${line}:${col ?? 1}`;
  return path === "" ? `${where}: ${message}` : `${where}: ${path}: ${message}`;
}

/** Accumulates errors for one file; positions come from byte offsets via the LineCounter. */
export class ErrorCollector {
  #file: string;
  #lines: LineCounter | null;
  #errors: ConfigError[] = [];
  #dropped = 0;

  /** `file` is the path as the user passed it; `lines` maps offsets to LINE:COL (from 1). */
  constructor(file: string, lines: LineCounter | null) {
    this.#file = file;
    this.#lines = lines;
  }

  /** Records an error at a source offset (null: file-level, no position). */
  at(offset: number | null, path: string, message: string): void {
    if (this.#errors.length >= MAX_ERRORS) {
      this.#dropped++;
      return;
    }
    let line: number | null = null;
    let col: number | null = null;
    if (offset !== null) {
      if (this.#lines !== null) {
        const pos = this.#lines.linePos(offset);
        line = pos.line;
        col = pos.col;
      } else {
        line = 1;
        col = 1;
      }
    }
    const text = formatConfigError(this.#file, line, col, path, message);
    this.#errors.push(Object.freeze({ line, col, path, message, text }));
  }

  /** Records a file-level error (`FILE: message`). */
  file(message: string): void {
    this.at(null, "", message);
  }

  /** Number of errors recorded so far (including summarised ones). */
  get count(): number {
    return this.#errors.length + this.#dropped;
  }

  /** All errors, with a final summary line if some were dropped. */
  result(): readonly ConfigError[] {
    // File order reads best; file-level errors (no line) first. sort() is stable.
    const out = [...this.#errors].sort((a, b) =>
      (a.line ?? 0) - (b.line ?? 0) || (a.col ?? 0) - (b.col ?? 0)
    );
    if (this.#dropped > 0) {
      const message = `${this.#dropped} more error(s) not shown`;
      out.push(Object.freeze({
        line: null,
        col: null,
        path: "",
        message,
        text: formatConfigError(this.#file, null, null, "", message),
      }));
    }
    return Object.freeze(out);
  }
}
