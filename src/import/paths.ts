/**
 * The folder of a file named on the command line or found by a glob, absolute and lexically
 * normalised, as Python's `os.path.abspath(os.path.dirname(…))` gives it for supervisord's
 * `%(here)s` (docs/import.md "Expansions").
 */
import { dirOf, resolveAgainst } from "../protocol/socket_path.ts";

/** Absolute, normalised folder of `path` (relative paths resolve against the current folder). */
export function folderOf(path: string): string {
  return dirOf(resolveAgainst(Deno.cwd(), path));
}
