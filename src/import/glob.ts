/**
 * Python's `glob.glob` for `[include] files=` patterns: `*`, `?` and `[…]` in any path segment,
 * names starting with `.` matched only by a pattern segment starting with `.`, results sorted as
 * supervisord sorts them. Reads folders through the injected `list` so tests need no disk.
 */

/** Lists the names in a folder, or null when it cannot be read. */
export type ListDir = (dir: string) => string[] | null;

/** The real folder lister. */
export function listDirOs(dir: string): string[] | null {
  try {
    return [...Deno.readDirSync(dir)].map((e) => e.name);
  } catch {
    return null;
  }
}

/** Whether a path exists (Python's glob returns a literal path only when it exists). */
export type Exists = (path: string) => boolean;

/** The real existence check (lstat, as Python's glob does). */
export function existsOs(path: string): boolean {
  try {
    Deno.lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

const MAGIC = /[*?[]/;

/** fnmatch-style segment pattern → RegExp (`[!…]` negates, an unclosed `[` is literal). */
export function segmentRegExp(pattern: string): RegExp {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === "*") re += ".*";
    else if (ch === "?") re += ".";
    else if (ch === "[") {
      const close = pattern.indexOf("]", i + 2);
      if (close < 0) {
        re += "\\[";
        continue;
      }
      let body = pattern.slice(i + 1, close);
      const negate = body.startsWith("!");
      if (negate) body = body.slice(1);
      re += `[${negate ? "^" : ""}${body.replace(/[\\\]^]/g, (c) => `\\${c}`)}]`;
      i = close;
    } else re += ch.replace(/[.*+?^${}()|[\]\\/]/g, (c) => `\\${c}`);
  }
  return new RegExp(`^${re}$`, "s");
}

/** Every existing path matching the absolute `pattern`, sorted. */
export function globSync(
  pattern: string,
  list: ListDir = listDirOs,
  exists: Exists = existsOs,
): string[] {
  const segments = pattern.split("/").filter((s, i) => s !== "" || i === 0);
  let paths = [segments[0] === "" ? "" : segments[0]!];
  for (const segment of segments.slice(1)) {
    const next: string[] = [];
    for (const base of paths) {
      const dir = base === "" ? "/" : base;
      if (!MAGIC.test(segment)) {
        next.push(`${base}/${segment}`);
        continue;
      }
      const re = segmentRegExp(segment);
      for (const name of list(dir) ?? []) {
        if (name.startsWith(".") && !segment.startsWith(".")) continue;
        if (re.test(name)) next.push(`${base}/${name}`);
      }
    }
    paths = next;
  }
  return paths.filter((p) => exists(p)).sort();
}
