/**
 * `taskmaster.statefile` (docs/state.md): a path (default `taskmasterd.state.json` beside the
 * config) or `false` for intent kept in memory only. The folder must exist and be writable by
 * the daemon, checked wherever a config is loaded from disk (start, `-t`, reload).
 */
import { isScalar } from "yaml";
import { dirOf, resolveAgainst } from "../protocol/socket_path.ts";
import { readString } from "./entry_readers.ts";
import { DEFAULT_STATEFILE } from "./key_table.ts";
import type { Ctx, Entry } from "./yaml_nodes.ts";

/** Resolves the key to an absolute path or null (`false`), reporting what is wrong with it. */
export function readStatefile(ctx: Ctx, e: Entry | undefined): string | null {
  if (e !== undefined && isScalar(e.value) && e.value.value === false) return null;
  let value: string | undefined = DEFAULT_STATEFILE;
  if (e !== undefined) {
    if (isScalar(e.value) && typeof e.value.value === "boolean") {
      ctx.errors.at(e.offset, e.path, "must be a path or false (got true)");
      return null;
    }
    value = readString(ctx, e);
    if (value === undefined) return null;
    if (value === "" || value.endsWith("/")) {
      ctx.errors.at(e.offset, e.path, "must be a file path (got a folder)");
      return null;
    }
  }
  const path = resolveAgainst(ctx.host.configDir, value);
  const problem = ctx.host.folderProblem?.(dirOf(path)) ?? null;
  if (problem !== null) {
    ctx.errors.at(e?.offset ?? 0, e?.path ?? "taskmaster.statefile", `${path}: ${problem}`);
  }
  return path;
}

/**
 * Why the daemon could not keep a state file in `dir`: missing, not a folder, or not writable
 * and searchable by this process (root passes the mode check, as the kernel lets it). Null when
 * usable.
 */
export function stateFolderProblem(
  dir: string,
  uid: number,
  gids: readonly number[],
): string | null {
  let info: Deno.FileInfo;
  try {
    info = Deno.statSync(dir);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return `folder ${dir} does not exist`;
    return `folder ${dir} cannot be used (${error instanceof Error ? error.message : error})`;
  }
  if (!info.isDirectory) return `${dir} is not a folder`;
  if (uid === 0 || info.mode === null) return null;
  const mode = info.mode;
  const bits = info.uid === uid
    ? (mode >> 6) & 0o7
    : gids.includes(info.gid ?? -1)
    ? (mode >> 3) & 0o7
    : mode & 0o7;
  return (bits & 0o3) === 0o3 ? null : `folder ${dir} is not writable by this user`;
}
