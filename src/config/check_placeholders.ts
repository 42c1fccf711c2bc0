/**
 * `{num}` and `{num+N}` in ready/health check strings (docs/checks.md "Placeholders"): resolved
 * per instance index. Pure. Other braces (a regex `a{2}`) are left alone; only text that starts
 * like a placeholder (`{num`, any case, blanks allowed) must be one of the two exact forms.
 */
import type { CheckTarget } from "./types.ts";

/** The largest N accepted in `{num+N}` (ports and the like stay far below it). */
export const MAX_PLACEHOLDER_OFFSET = 1_000_000;

const VALID = /^\{num(?:\+(\d{1,7}))?\}/;
const LOOKS_LIKE = /\{\s*num/gi;

/**
 * Why `text` holds a malformed placeholder (`bad placeholder "{num-1}": use {num} or {num+N}`),
 * or null when every placeholder in it is well formed. For config validation.
 */
export function placeholderProblem(text: string): string | null {
  for (const match of text.matchAll(LOOKS_LIKE)) {
    const rest = text.slice(match.index);
    const valid = VALID.exec(rest);
    if (valid === null) {
      const close = rest.indexOf("}");
      const shown = close === -1 || close > 20 ? rest.slice(0, 20) : rest.slice(0, close + 1);
      return `bad placeholder "${shown}": use {num} or {num+N}`;
    }
    if (valid[1] !== undefined && Number(valid[1]) > MAX_PLACEHOLDER_OFFSET) {
      return `bad placeholder "${valid[0]}": N must be at most ${MAX_PLACEHOLDER_OFFSET}`;
    }
  }
  return null;
}

/** `text` with every `{num}` / `{num+N}` replaced for instance `index`; assumes it validated. */
export function resolvePlaceholders(text: string, index: number): string {
  return text.replace(
    /\{num(?:\+(\d{1,7}))?\}/g,
    (_all, n: string | undefined) => String(index + (n === undefined ? 0 : Number(n))),
  );
}

/** The first placeholder problem among the strings of `target`, or null. */
export function targetPlaceholderProblem(target: CheckTarget): string | null {
  for (const text of targetStrings(target)) {
    const problem = placeholderProblem(text);
    if (problem !== null) return problem;
  }
  return null;
}

/** `target` with placeholders resolved for instance `index` (a new object; input untouched). */
export function resolveTarget<T extends CheckTarget>(target: T, index: number): T {
  const r = (text: string) => resolvePlaceholders(text, index);
  switch (target.kind) {
    case "tcp":
      return { ...target, host: r(target.host), port: r(target.port) };
    case "http":
      return { ...target, url: r(target.url) };
    case "exec":
      return { ...target, argv: target.argv.map(r) };
    case "log":
      return { ...target, pattern: r(target.pattern) };
  }
  return target;
}

function targetStrings(target: CheckTarget): readonly string[] {
  switch (target.kind) {
    case "tcp":
      return [target.host, target.port];
    case "http":
      return [target.url];
    case "exec":
      return target.argv;
    case "log":
      return [target.pattern];
  }
  return [];
}
