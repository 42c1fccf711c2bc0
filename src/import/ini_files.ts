/**
 * Reads a supervisord config and its `[include] files=` globs into one merged section model, as
 * supervisord 4 does (docs/import.md "Includes"): includes are read from the main file only,
 * relative to its folder, each match in sorted order; a later section or key wins. Every option
 * remembers its file and line for `%(here)s` and for error positions.
 */
import { folderOf } from "./paths.ts";
import { parseIni } from "./ini_parse.ts";
import { globSync } from "./glob.ts";
import { expandFormat } from "./py_format.ts";
import { ImportError, located, type Note } from "./types.ts";

/** Largest INI file read (far above any real supervisord.conf). */
export const MAX_INI_BYTES = 16 * 1024 * 1024;
/** Most files an `[include]` may pull in. */
export const MAX_INCLUDED_FILES = 1000;

/** One option of the merged model. */
export interface Opt {
  readonly value: string;
  readonly file: string;
  readonly line: number;
}

/** One merged section. */
export interface Section {
  readonly name: string;
  readonly file: string;
  readonly line: number;
  readonly options: Map<string, Opt>;
}

/** Host access the reader needs (injectable for tests). */
export interface IniHost {
  readText(path: string): string;
  glob(pattern: string): string[];
  env: Readonly<Record<string, string>>;
  hostname: string;
}

/** The real host. */
export function osIniHost(): IniHost {
  return {
    readText: (path) => {
      const info = Deno.statSync(path);
      if (!info.isFile) throw new Error("not a regular file");
      if (info.size > MAX_INI_BYTES) throw new Error(`larger than ${MAX_INI_BYTES} bytes`);
      return new TextDecoder("utf-8", { fatal: true }).decode(Deno.readFileSync(path));
    },
    glob: (pattern) => globSync(pattern),
    env: Deno.env.toObject(),
    hostname: Deno.hostname(),
  };
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Reads `file` and its includes; throws ImportError with every syntax error found. */
export function readSupervisordFiles(
  file: string,
  host: IniHost,
  notes: Note[],
): { sections: Section[]; mainFile: string } {
  const merged = new Map<string, Section>();
  const order: Section[] = [];
  const errors: string[] = [];

  const readOne = (path: string, shown: string, from: string | null): boolean => {
    let text: string;
    try {
      text = host.readText(path);
    } catch (e) {
      errors.push(
        from === null
          ? located(shown, null, `cannot read: ${message(e)}`)
          : `${from}: cannot read included file ${shown}: ${message(e)}`,
      );
      return false;
    }
    const ini = parseIni(text, shown);
    errors.push(...ini.errors);
    for (const m of ini.merges) {
      notes.push({ path: `${shown}:${m.line}`, kind: "exact", message: m.what });
    }
    for (const s of ini.sections) {
      let target = merged.get(s.name);
      if (target === undefined) {
        target = { name: s.name, file: shown, line: s.line, options: new Map() };
        merged.set(s.name, target);
        order.push(target);
      } else if (from !== null) {
        notes.push({
          path: `${shown}:${s.line}`,
          kind: "exact",
          message:
            `section [${s.name}] also in ${target.file}:${target.line}; keys merge, the later value wins`,
        });
      }
      for (const [key, opt] of s.options) {
        target.options.set(key, { value: opt.value, file: shown, line: opt.line });
      }
    }
    return true;
  };

  if (!readOne(file, file, null)) throw new ImportError(errors.join("\n"));
  if (errors.length > 0) throw new ImportError(errors.join("\n"));
  const include = merged.get("include");
  if (include !== undefined) {
    const files = include.options.get("files");
    if (files === undefined) {
      throw new ImportError(located(file, include.line, "[include] section has no files= key"));
    }
    const where = `${files.file}:${files.line}`;
    const base = folderOf(file);
    const expanded = expandFormat(
      files.value,
      {
        here: base,
        host_node_name: host.hostname,
        ...envExpansions(host.env),
      },
      "include.files",
      where,
    );
    let count = 0;
    for (const pattern of expanded.split(/\s+/).filter((p) => p !== "")) {
      const full = pattern.startsWith("/") ? pattern : `${base}/${pattern}`;
      const matches = host.glob(full);
      if (matches.length === 0) {
        notes.push({ path: "include.files", kind: "exact", message: `no file matches ${full}` });
      }
      for (const match of matches) {
        if (++count > MAX_INCLUDED_FILES) {
          throw new ImportError(
            `${where}: [include] matches more than ${MAX_INCLUDED_FILES} files`,
          );
        }
        const before = new Map(merged.get("include")?.options ?? []);
        readOne(match, match, where);
        const after = merged.get("include");
        if (after !== undefined && after.options.get("files")?.file === match) {
          notes.push({
            path: `${match}`,
            kind: "dropped",
            message:
              "[include] inside an included file is ignored (supervisord never nests includes)",
          });
          // The main file's include list stays the one that was read.
          after.options.clear();
          for (const [k, v] of before) after.options.set(k, v);
        }
      }
    }
    if (errors.length > 0) throw new ImportError(errors.join("\n"));
  }
  return { sections: order, mainFile: file };
}

/** `ENV_X` names for `%(ENV_X)s`. */
export function envExpansions(env: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) out[`ENV_${k}`] = v;
  return out;
}
