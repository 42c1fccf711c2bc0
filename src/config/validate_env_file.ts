/**
 * A program's `env_file` key → the variables its files define, read now (at load, never at spawn)
 * so they are part of the resolved spec and a changed file shows up on reload (docs/config.md
 * "env_file"). Errors name the YAML position of the entry, then the env file's own line.
 */
import { isMap, isScalar, isSeq, type Node } from "yaml";
import { resolveAgainst } from "../protocol/socket_path.ts";
import { readBool, readString } from "./entry_readers.ts";
import { parseEnvFile } from "./env_file_parse.ts";
import { readEnvFileText } from "./env_file_read.ts";
import { ENV_FILE_DEFAULTS, ENV_FILE_KEYS } from "./key_table.ts";
import { type Ctx, deref, type Entry, got, isNullNode, offsetOf, readMap } from "./yaml_nodes.ts";

/** One list item: the path as written, whether it must exist, and where it is in the YAML. */
interface EnvFileItem {
  readonly written: string;
  readonly required: boolean;
  readonly offset: number;
  readonly path: string;
}

/**
 * The variables of every file of `e` applied in list order (the last definition wins), `{}` when
 * the key is absent, or undefined after reporting errors. A single path counts as a list of one,
 * so its errors are named `env_file[0]` too.
 */
export function readEnvFiles(ctx: Ctx, e: Entry | undefined): Record<string, string> | undefined {
  if (e === undefined || isNullNode(e.value)) return {};
  const nodes = isSeq(e.value) ? e.value.items : [e.value];
  const items: EnvFileItem[] = [];
  let ok = true;
  nodes.forEach((raw, index) => {
    const item = readItem(ctx, deref(ctx, raw), `${e.path}[${index}]`, e.offset);
    if (item === undefined) ok = false;
    else items.push(item);
  });
  if (!ok) return undefined;
  const vars: [string, string][] = [];
  for (const item of items) {
    const read = readOne(ctx, item);
    if (read === undefined) ok = false;
    else vars.push(...Object.entries(read));
  }
  // Entries, then Object.fromEntries: own properties, so `__proto__` stays a key; later wins.
  return ok ? Object.fromEntries(vars) : undefined;
}

function readItem(
  ctx: Ctx,
  node: Node | null,
  path: string,
  fallback: number,
): EnvFileItem | undefined {
  const offset = node === null ? fallback : offsetOf(node);
  const entry = (key: string, value: Node | null, at: number): Entry => ({
    key,
    path,
    value,
    offset: at,
    keyOffset: at,
  });
  if (isScalar(node)) {
    const written = readString(ctx, entry("env_file", node, offset));
    return written === undefined
      ? undefined
      : { written, required: ENV_FILE_DEFAULTS.required, offset, path };
  }
  if (!isMap(node)) {
    ctx.errors.at(offset, path, `must be a path or { path, required: false } ${got(ctx, node)}`);
    return undefined;
  }
  const map = readMap(ctx, node, path, ENV_FILE_KEYS, offset);
  if (map === null) return undefined;
  const pathEntry = map.get("path");
  if (pathEntry === undefined) {
    ctx.errors.at(offset, path, `missing required key "path"`);
    return undefined;
  }
  const written = readString(ctx, pathEntry);
  const requiredEntry = map.get("required");
  const required = requiredEntry === undefined
    ? ENV_FILE_DEFAULTS.required
    : readBool(ctx, requiredEntry);
  if (written === undefined || required === undefined) return undefined;
  return { written, required, offset, path };
}

function readOne(ctx: Ctx, item: EnvFileItem): Record<string, string> | undefined {
  const abs = resolveAgainst(ctx.host.configDir, item.written);
  const read = readEnvFileText(ctx.host.envFileFs, abs, ctx.host.uid);
  if (read.kind === "missing") {
    if (!item.required) return {};
    ctx.errors.at(
      item.offset,
      item.path,
      `${item.written}: no such file (add required: false if it may be absent)`,
    );
    return undefined;
  }
  if (read.kind === "refused") {
    ctx.errors.at(item.offset, item.path, `${item.written}: ${read.message}`);
    return undefined;
  }
  const parsed = parseEnvFile(read.text);
  if (parsed.ok) return { ...parsed.vars };
  for (const problem of parsed.problems) {
    ctx.errors.at(item.offset, item.path, `${item.written}:${problem.line}: ${problem.message}`);
  }
  return undefined;
}
