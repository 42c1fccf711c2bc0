/**
 * Config file → resolved, deep-frozen Config, or every error found (docs/config.md).
 * `loadConfig` never throws; `parseConfigText` is synchronous and pure apart from user/group
 * file reads, `env_file` reads and the environment/uid lookups (all injectable through `LoadOptions`).
 */
import { hostname } from "node:os";
import { ErrorCollector } from "./error_collector.ts";
import { readDaemonSection } from "./validate_daemon.ts";
import { programNameProblem } from "./converters.ts";
import { deepFreeze } from "./freeze.ts";
import { TOP_KEYS } from "./key_table.ts";
import { readProgram } from "./validate_program.ts";
import { checkDependencies, type DependencySite } from "./validate_deps.ts";
import { writtenKeys } from "./written_keys.ts";
import { type Ctx, type HostFacts, isNullNode, MERGE_BUDGET, readMap } from "./yaml_nodes.ts";
import type { Config, LoadResult, ProgramSpec } from "./types.ts";
import { MAX_CONFIG_BYTES, parseYamlSource } from "./parse_yaml.ts";
import { denoEnvFileFs, type EnvFileFs } from "./env_file_read.ts";
import { dirOf, normalizeAbs } from "../protocol/socket_path.ts";
import { stateFolderProblem } from "./statefile.ts";

/** Overrides of host facts, for tests (defaults: the real daemon's uid, gid, env, host name). */
export interface LoadOptions {
  readonly uid?: number;
  readonly gid?: number;
  readonly env?: (name: string) => string | undefined;
  readonly hostname?: string;
  /** File access for `env_file` (default: the real file system). */
  readonly envFileFs?: EnvFileFs;
  /**
   * Checks the state file's folder (`taskmaster.statefile`); `loadConfig` checks the real one
   * unless given this, `parseConfigText` checks nothing unless given this.
   */
  readonly folderProblem?: (dir: string) => string | null;
}

function safeHostname(): string {
  try {
    return hostname() || "localhost";
  } catch (_e) {
    // Without --allow-sys the name is unknown; "localhost" keeps `from` a valid address.
    return "localhost";
  }
}

function hostFacts(absPath: string, opts: LoadOptions): HostFacts {
  return {
    configDir: dirOf(absPath),
    uid: opts.uid ?? Deno.uid() ?? 0,
    gid: opts.gid ?? Deno.gid() ?? 0,
    env: opts.env ?? ((name) => Deno.env.get(name)),
    hostname: opts.hostname ?? safeHostname(),
    envFileFs: opts.envFileFs ?? denoEnvFileFs,
    ...(opts.folderProblem === undefined ? {} : { folderProblem: opts.folderProblem }),
  };
}

function failed(errors: ErrorCollector): LoadResult {
  return { ok: false, errors: errors.result() };
}

function validate(ctx: Ctx, file: string, absPath: string): LoadResult {
  const root = ctx.src.doc.contents;
  if (isNullNode(root)) {
    ctx.errors.file("config file is empty (it needs at least `programs: {}`)");
    return failed(ctx.errors);
  }
  const top = readMap(ctx, root, "", TOP_KEYS);
  if (top === null) return failed(ctx.errors);
  const section = readDaemonSection(ctx, top.get("taskmaster"), absPath);
  const programsEntry = top.get("programs");
  const programs: ProgramSpec[] = [];
  if (programsEntry === undefined) {
    ctx.errors.at(
      0,
      "programs",
      'missing required section "programs" (use `programs: {}` for none)',
    );
  } else if (!isNullNode(programsEntry.value)) {
    const map = readMap(ctx, programsEntry.value, "programs", null, programsEntry.offset);
    let order = 0;
    const names: string[] = [];
    const sites = new Map<string, DependencySite[]>();
    for (const [name, entry] of map ?? []) {
      const problem = programNameProblem(name);
      if (problem !== null) {
        ctx.errors.at(entry.keyOffset, "programs", problem);
        continue;
      }
      names.push(name);
      const spec = readProgram(ctx, name, entry, order++, section.global, sites);
      if (spec !== null) programs.push(spec);
    }
    checkDependencies(ctx, names, programs, sites);
  }
  if (ctx.errors.count > 0) return failed(ctx.errors);
  const written = writtenKeys(ctx);
  const config: Config = { file, path: absPath, daemon: section.daemon, programs, written };
  return { ok: true, config: deepFreeze(config) };
}

/**
 * Validates config `text`. `file` is used verbatim in messages; `absPath` is the file's
 * absolute path (relative paths in the config resolve against its folder). Never throws,
 * whatever the input: an unexpected internal failure becomes a file-level error.
 */
export function parseConfigText(
  text: string,
  file: string,
  absPath: string,
  opts: LoadOptions = {},
): LoadResult {
  try {
    const { source, errors } = parseYamlSource(text, file);
    if (source === null) return failed(errors);
    const abs = normalizeAbs(absPath);
    const ctx: Ctx = { src: source, host: hostFacts(abs, opts), errors, mergeBudget: MERGE_BUDGET };
    return validate(ctx, file, abs);
  } catch (e) {
    // A bug or a pathological input we did not foresee must not take the daemon down.
    const errors = new ErrorCollector(file, null);
    errors.file(`internal error while validating: ${e instanceof Error ? e.message : String(e)}`);
    return failed(errors);
  }
}

/** Absolute form of a path given on the command line. */
function absoluteOf(file: string): string {
  return normalizeAbs(file.startsWith("/") ? file : `${Deno.cwd()}/${file}`);
}

/**
 * Reads and validates the config at `file` (as the user passed it). Files over 1 MiB are
 * refused from their size alone (stat before read); missing, unreadable and empty files are
 * file-level errors (`FILE: message`). Never throws.
 */
export async function loadConfig(file: string, opts: LoadOptions = {}): Promise<LoadResult> {
  const errors = new ErrorCollector(file, null);
  let absPath: string;
  let text: string;
  let mode: number | null = null;
  try {
    absPath = absoluteOf(file);
    const info = await Deno.stat(file);
    mode = info.mode;
    if (!info.isFile) {
      errors.file("not a regular file");
      return failed(errors);
    }
    if (info.size > MAX_CONFIG_BYTES) {
      errors.file(`file is larger than 1 MiB (${info.size} bytes); refusing to parse it`);
      return failed(errors);
    }
    const bytes = await Deno.readFile(file);
    if (bytes.length > MAX_CONFIG_BYTES) {
      errors.file(`file is larger than 1 MiB (${bytes.length} bytes); refusing to parse it`);
      return failed(errors);
    }
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch (e) {
    errors.file(describeReadError(e));
    return failed(errors);
  }
  const folderProblem = opts.folderProblem ??
    ((dir: string) => stateFolderProblem(dir, Deno.uid() ?? 0, processGroups()));
  const result = parseConfigText(text, file, absPath, { ...opts, folderProblem });
  return result.ok ? refuseExposedSecrets(result.config, mode) : result;
}

/**
 * A password or token written inline must not be readable by others (as ssh does for keys):
 * refuse the file rather than run with a secret every local user can read (docs/config.md
 * "Secrets"; row S10 of docs/reliability.md).
 */
function refuseExposedSecrets(config: Config, mode: number | null): LoadResult {
  const inline = config.daemon.literalSecrets;
  if (inline.length === 0 || mode === null || (mode & 0o077) === 0) return { ok: true, config };
  const errors = new ErrorCollector(config.file, null);
  errors.file(
    `holds ${inline.join(", ")} inline but is readable by others (mode ${
      (mode & 0o777).toString(8).padStart(4, "0")
    }); chmod 600 it or use { env: NAME }`,
  );
  return failed(errors);
}

function describeReadError(e: unknown): string {
  if (e instanceof Deno.errors.NotFound) return "cannot read config: no such file";
  if (e instanceof Deno.errors.PermissionDenied) return "cannot read config: permission denied";
  if (e instanceof TypeError) return "cannot read config: not valid UTF-8";
  return `cannot read config: ${e instanceof Error ? e.message : String(e)}`;
}

/** The daemon's gid and supplementary groups (for the state folder's mode check). */
function processGroups(): number[] {
  const gids = [Deno.gid() ?? -1];
  try {
    const status = Deno.readTextFileSync("/proc/self/status");
    const line = status.split("\n").find((l) => l.startsWith("Groups:"));
    for (const g of line?.slice(7).trim().split(/\s+/) ?? []) if (g !== "") gids.push(Number(g));
  } catch {
    // No /proc: the primary group alone decides.
  }
  return gids;
}
