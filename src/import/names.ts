/**
 * Program names from another tool made valid Taskmaster names (docs/import.md "Names"): every
 * character outside `[A-Za-z0-9_.-]` becomes `_` (counting characters, not bytes), leading `_`,
 * `-` and `.` are stripped, with a note; an empty result, a reserved or over-long name, or two
 * sources landing on one name are errors. Pure.
 */
import { ImportError, type Note } from "./types.ts";

/** Longest program name Taskmaster accepts (docs/config.md "Program names"). */
const MAX_NAME = 64;

/** Tracks the names given so far and turns source names into program names. */
export class NameMap {
  readonly #taken = new Map<string, string>();

  /** The Taskmaster name for `source`; `where` (`FILE:LINE` or a path) is used in errors. */
  add(source: string, where: string, notes: Note[]): string {
    const replaced = [...source].map((c) => /^[A-Za-z0-9_.-]$/.test(c) ? c : "_").join("");
    const name = replaced.replace(/^[_.-]+/, "");
    if (name === "") {
      throw new ImportError(
        `${where}: program name ${JSON.stringify(source)} has no usable character`,
      );
    }
    if (name !== source) {
      notes.push({
        path: source,
        kind: "approximate",
        message: `renamed to ${name} (program names use only A-Z a-z 0-9 _ . -)`,
      });
    }
    if ([...name].length > MAX_NAME) {
      throw new ImportError(`${where}: program name ${name} is longer than ${MAX_NAME} characters`);
    }
    if (name === "all") {
      throw new ImportError(`${where}: program name "all" is reserved in Taskmaster (rename it)`);
    }
    const earlier = this.#taken.get(name);
    if (earlier !== undefined) {
      throw new ImportError(
        `${where}: program name ${name} (from ${JSON.stringify(source)}) clashes with ${earlier}`,
      );
    }
    this.#taken.set(name, `${JSON.stringify(source)} at ${where}`);
    return name;
  }
}
