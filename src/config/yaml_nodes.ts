/**
 * Reading the `yaml` AST with positions: maps (with `<<` merge keys and unknown-key checks),
 * scalars, and the "(got …)" rendering of offending values. Aliases resolve to their anchored
 * node; nothing is ever expanded recursively, so alias bombs cost nothing here.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, type Node, type Scalar } from "yaml";
import type { ErrorCollector } from "./error_collector.ts";
import { unknownKeyMessage } from "./did_you_mean.ts";
import type { YamlSource } from "./parse_yaml.ts";
import type { EnvFileFs } from "./env_file_read.ts";

/** Merge-key pairs visited per document before `<<` fan-out is refused. */
export const MERGE_BUDGET = 10_000;

/** Facts about the daemon's host that validation depends on (injectable for tests). */
export interface HostFacts {
  /** Folder of the config file (absolute): relative paths resolve against it. */
  readonly configDir: string;
  /** The daemon's uid/gid: when not root, no other identity is allowed. */
  readonly uid: number;
  readonly gid: number;
  /** Environment lookup for `{ env: NAME }` secrets. */
  readonly env: (name: string) => string | undefined;
  /** Host name for the default `smtp.from`. */
  readonly hostname: string;
  /** File access for `env_file` (read at load). */
  readonly envFileFs: EnvFileFs;
  /** Why a folder cannot hold the state file, or null; absent = not checked (pure parsing). */
  readonly folderProblem?: (dir: string) => string | null;
}

/** Validation context shared by the readers of one document. */
export interface Ctx {
  readonly src: YamlSource;
  readonly host: HostFacts;
  readonly errors: ErrorCollector;
  /** Remaining merge budget (mutable). */
  mergeBudget: number;
}

/** One key of a map: its value node (null when `key:` has no value) and where it is. */
export interface Entry {
  readonly key: string;
  readonly path: string;
  readonly value: Node | null;
  /** Offset used for errors about the value (falls back to the key's offset). */
  readonly offset: number;
  readonly keyOffset: number;
}

/** The node an alias points to, or the node itself; null for absent/unresolvable. */
export function deref(ctx: Ctx, node: unknown): Node | null {
  if (isAlias(node)) {
    const target = node.resolve(ctx.src.doc);
    return target ?? null;
  }
  if (isScalar(node) || isMap(node) || isSeq(node)) return node;
  return null;
}

/** Start offset of a node, or 0. */
export function offsetOf(node: unknown): number {
  if (node !== null && typeof node === "object" && "range" in node) {
    const r = (node as { range?: [number, number, number] | null }).range;
    if (r) return r[0];
  }
  return 0;
}

/** The scalar's text as written in the file (quotes included for quoted scalars). */
export function sourceText(ctx: Ctx, node: Scalar): string {
  const r = node.range;
  if (r) return ctx.src.text.slice(r[0], r[1]);
  return String(node.value);
}

/** True for an absent value or an explicit YAML null. */
export function isNullNode(node: Node | null): boolean {
  return node === null || (isScalar(node) && node.value === null);
}

/** "(got …)" text: the value as written, shortened and with control characters escaped. */
export function got(ctx: Ctx, node: Node | null): string {
  if (node === null || (isScalar(node) && node.value === null)) return "(got nothing)";
  if (isMap(node)) return "(got a map)";
  if (isSeq(node)) return "(got a list)";
  if (isScalar(node)) {
    let s = sourceText(ctx, node);
    if (s.length > 60) s = s.slice(0, 57) + "...";
    s = s.replace(
      // deno-lint-ignore no-control-regex
      /[\u0000-\u001f\u007f]/g,
      (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`,
    );
    return `(got ${s})`;
  }
  return "(got an unsupported value)";
}

/** Text of a map key: strings as they are, other scalars as written; null if not a scalar. */
function keyText(ctx: Ctx, key: unknown): string | null {
  const k = deref(ctx, key);
  if (!isScalar(k)) return null;
  if (typeof k.value === "string") return k.value;
  if (k.value === null) return null;
  return sourceText(ctx, k);
}

function isMergeKey(key: unknown): boolean {
  // With `merge: true`, `yaml` turns a plain `<<` key into a Scalar holding Symbol("<<").
  if (!isScalar(key) || key.type !== "PLAIN") return false;
  return key.value === "<<" || (typeof key.value === "symbol" && key.source === "<<");
}

/**
 * Reads a map node into an ordered Map of entries (Object.create-free, so `__proto__` is just
 * a key). Explicit keys win over merged ones; earlier merge sources win over later ones.
 * Keys outside `allowed` (when given) are reported with a did-you-mean hint and skipped.
 * Reports and returns null when `node` is not a map.
 */
export function readMap(
  ctx: Ctx,
  node: Node | null,
  path: string,
  allowed: readonly string[] | null,
  fallbackOffset = 0,
): Map<string, Entry> | null {
  if (!isMap(node)) {
    ctx.errors.at(node ? offsetOf(node) : fallbackOffset, path, `must be a map ${got(ctx, node)}`);
    return null;
  }
  const out = new Map<string, Entry>();
  const merged: Node[] = [];
  for (const pair of node.items) {
    if (!isPair(pair)) continue;
    if (isMergeKey(pair.key)) {
      collectMergeSources(ctx, pair.value, path, merged, offsetOf(pair.key));
      continue;
    }
    addEntry(ctx, out, pair.key, pair.value, path, allowed);
  }
  for (const src of merged) {
    // Every merge source read and every merged key costs budget, so nested `<<` fan-out
    // (each level merging the previous one many times) stays linear, never exponential.
    if (!spendMergeBudget(ctx, offsetOf(src), path, 1)) return out;
    const inner = readMap(ctx, src, path, allowed);
    if (inner === null) continue;
    if (!spendMergeBudget(ctx, offsetOf(src), path, inner.size)) return out;
    for (const [k, e] of inner) if (!out.has(k)) out.set(k, e);
  }
  return out;
}

function spendMergeBudget(ctx: Ctx, offset: number, path: string, cost: number): boolean {
  if (ctx.mergeBudget < 0) return false;
  ctx.mergeBudget -= cost;
  if (ctx.mergeBudget >= 0) return true;
  ctx.errors.at(offset, path, `"<<" merge keys expand too much (more than ${MERGE_BUDGET})`);
  return false;
}

function collectMergeSources(
  ctx: Ctx,
  value: unknown,
  path: string,
  into: Node[],
  offset: number,
): void {
  const v = deref(ctx, value);
  const list = isSeq(v) ? v.items.map((i) => deref(ctx, i)) : [v];
  for (const item of list) {
    if (isMap(item)) into.push(item);
    else ctx.errors.at(offset, path, `"<<" merge needs a map or a list of maps ${got(ctx, item)}`);
  }
}

function addEntry(
  ctx: Ctx,
  out: Map<string, Entry>,
  keyNode: unknown,
  valueNode: unknown,
  path: string,
  allowed: readonly string[] | null,
): void {
  const keyOffset = offsetOf(keyNode);
  const key = keyText(ctx, keyNode);
  if (key === null) {
    ctx.errors.at(keyOffset, path, "keys must be plain strings");
    return;
  }
  const childPath = path === "" ? key : `${path}.${key}`;
  if (allowed !== null && !allowed.includes(key)) {
    ctx.errors.at(keyOffset, childPath, unknownKeyMessage(key, allowed));
    return;
  }
  const value = deref(ctx, valueNode);
  const offset = value && !isNullNode(value) ? offsetOf(value) : keyOffset;
  out.set(key, { key, path: childPath, value, offset, keyOffset });
}
