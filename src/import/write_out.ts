/**
 * Writes the import result atomically: a temp file in the target's folder, then a hard link
 * (fails if the target exists: no overwrite without --force) or a rename (with --force). A
 * reader never sees a half-written file.
 */

/** Writes `text` to `path`; returns a refusal/error message or null. */
export function writeNew(path: string, text: string, force: boolean): string | null {
  const slash = path.lastIndexOf("/");
  const dir = slash < 0 ? "." : slash === 0 ? "/" : path.slice(0, slash);
  const tmp = `${dir}/.${path.slice(slash + 1)}.tmp-${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`;
  try {
    Deno.writeTextFileSync(tmp, text, { createNew: true, mode: 0o644 });
  } catch (e) {
    return `cannot write ${path}: ${e instanceof Error ? e.message : e}`;
  }
  try {
    if (force) Deno.renameSync(tmp, path);
    else Deno.linkSync(tmp, path);
    return null;
  } catch (e) {
    if (e instanceof Deno.errors.AlreadyExists) {
      return `${path} exists; not overwritten (use --force)`;
    }
    return `cannot write ${path}: ${e instanceof Error ? e.message : e}`;
  } finally {
    try {
      Deno.removeSync(tmp);
    } catch {
      // Renamed away already.
    }
  }
}
