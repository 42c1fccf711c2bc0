/**
 * The Deno-backed {@link ExportFs}, used by both `taskmasterd --export` and `taskmasterctl
 * export` (src/os/ holds OS adapters both executables may import; src/protocol/ does no I/O).
 */
import type { ExportFs } from "../protocol/export_write.ts";

/** Reads at most this much to find a file's first line (the header is far shorter). */
const HEAD_BYTES = 4096;

/** Real file operations for the export writer. */
export const denoExportFs: ExportFs = {
  async list(dir) {
    const names: string[] = [];
    try {
      for await (const entry of Deno.readDir(dir)) names.push(entry.name);
    } catch (e) {
      throw new Error(fsProblem(e));
    }
    return names;
  },
  async firstLine(path) {
    let file: Deno.FsFile;
    try {
      const info = await Deno.lstat(path);
      if (!info.isFile) return null;
      file = await Deno.open(path, { read: true });
    } catch (_e) {
      return null;
    }
    try {
      const buf = new Uint8Array(HEAD_BYTES);
      const n = await file.read(buf);
      const text = new TextDecoder().decode(buf.subarray(0, n ?? 0));
      const end = text.indexOf("\n");
      return end < 0 ? text : text.slice(0, end);
    } finally {
      file.close();
    }
  },
  async writeTemp(path, content, mode) {
    const slash = path.lastIndexOf("/");
    const tmp = `${path.slice(0, slash + 1)}.${path.slice(slash + 1)}.tmp-${Deno.pid}-${
      crypto.randomUUID().slice(0, 8)
    }`;
    try {
      await Deno.writeTextFile(tmp, content, { mode, createNew: true });
    } catch (e) {
      throw new Error(fsProblem(e));
    }
    // The umask may have narrowed the mode at creation; the contract is exactly 0644.
    await Deno.chmod(tmp, mode);
    return tmp;
  },
  rename: (from, to) => Deno.rename(from, to),
  remove: (path) => Deno.remove(path),
};

/** A short reason for an I/O failure, without Deno's syscall details. */
function fsProblem(e: unknown): string {
  if (e instanceof Deno.errors.NotFound) return "no such folder";
  if (e instanceof Deno.errors.NotADirectory) return "not a folder";
  if (e instanceof Deno.errors.PermissionDenied) return "permission denied";
  return e instanceof Error ? e.message : String(e);
}
