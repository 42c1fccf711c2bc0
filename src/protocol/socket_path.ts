/**
 * The control socket's path, computed from a config file's text (docs/cli.md "Finding the socket").
 * Shared by the daemon's validator and by `taskmasterctl -c FILE`, so both always agree.
 * Pure: no Deno APIs; the caller reads the file. `yaml` is loaded lazily so the controller pays
 * for the parser only when the quick scan (socket_scan.ts) cannot answer.
 */
import { scanSocketValue } from "./socket_scan.ts";

/** Config files tried in order when no `-c` is given (daemon and controller alike). */
export const DEFAULT_CONFIG_PATHS: readonly string[] = [
  "./taskmaster.yaml",
  "/etc/taskmaster/taskmaster.yaml",
];

/** File name of the socket when `taskmaster.socket` is absent: it sits beside the config. */
export const DEFAULT_SOCKET_NAME = "taskmasterd.sock";

/** Longest socket path (bytes, UTF-8) a unix `sockaddr_un` can hold with its NUL terminator. */
export const MAX_SOCKET_PATH_BYTES = 107;

/** Folder part of an absolute path (`/a/b/c.yaml` → `/a/b`, `/x` → `/`). */
export function dirOf(absPath: string): string {
  const i = absPath.lastIndexOf("/");
  if (i <= 0) return "/";
  return absPath.slice(0, i);
}

/**
 * Lexically normalises an absolute path: collapses `//`, `.` and `..` (never above `/`),
 * drops a trailing slash. Symlinks are not resolved (that would need the file system).
 */
export function normalizeAbs(absPath: string): string {
  const out: string[] = [];
  for (const part of absPath.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") out.pop();
    else out.push(part);
  }
  return "/" + out.join("/");
}

/** Resolves `p` against the folder `baseDir` unless it is already absolute; result normalised. */
export function resolveAgainst(baseDir: string, p: string): string {
  return normalizeAbs(p.startsWith("/") ? p : `${baseDir}/${p}`);
}

/**
 * The socket path for a config at `configAbsPath` whose `taskmaster.socket` value is `value`
 * (undefined/null when absent): the default name beside the config, or `value` resolved against
 * the config's folder. The daemon's validator calls this too.
 */
export function resolveSocketPath(value: string | null | undefined, configAbsPath: string): string {
  const base = dirOf(normalizeAbs(configAbsPath));
  if (value === null || value === undefined || value === "") {
    return resolveAgainst(base, DEFAULT_SOCKET_NAME);
  }
  return resolveAgainst(base, value);
}

/**
 * Reads only `taskmaster.socket` from a config's text and returns the absolute socket path.
 * Never throws: a file that does not parse, or a socket value that is not a string, gives the
 * default path (the daemon reports such files as errors itself; the controller can still try).
 * A quick scan answers when the file's shape makes it certain; else the full YAML parse does.
 */
export async function socketPathFromConfigText(
  text: string,
  configAbsPath: string,
): Promise<string> {
  const scan = scanSocketValue(text);
  const value = scan.sure ? scan.value : await socketValueByYaml(text);
  return resolveSocketPath(value, configAbsPath);
}

/**
 * `taskmaster.socket` by the full YAML parse: the string, or null when absent, not a string, or
 * the text does not parse at all. Exported so tests can hold the quick scan against it.
 */
export async function socketValueByYaml(text: string): Promise<string | null> {
  try {
    const yaml = await import("yaml");
    const doc = yaml.parseDocument(text, { uniqueKeys: false });
    const raw: unknown = doc.getIn(["taskmaster", "socket"], false);
    return typeof raw === "string" ? raw : null;
  } catch (_e) {
    // Unparseable (or pathological) YAML: the default path, as documented above.
    return null;
  }
}
