/**
 * The `log` ready check: not a probe but a matcher over complete output lines of the current
 * spawn. Lines are cut to {@link LOG_LINE_CAP} characters before the regex sees them, which
 * bounds the work of patterns that are slow in the line length (`a*a*b`: quadratic). Patterns
 * whose time can grow exponentially even on short lines (a quantified group that itself holds
 * an unbounded quantifier, `(a+)+`) are refused at load by {@link logPatternProblem}.
 */

/** Characters of a line a `log` pattern is matched against; the rest is ignored. */
export const LOG_LINE_CAP = 4096;

/** A compiled `log` check: one RegExp for the whole spawn. */
export type LineMatcher = (line: string) => boolean;

/** Compiles `pattern` once (unanchored, no flags); throws SyntaxError when it is invalid. */
export function createLineMatcher(pattern: string): LineMatcher {
  const regex = new RegExp(pattern);
  return (line) => regex.test(line.length > LOG_LINE_CAP ? line.slice(0, LOG_LINE_CAP) : line);
}

/**
 * Why `pattern` cannot be a `log` check (`invalid regular expression: …`, or a nested
 * quantifier that can backtrack catastrophically), or null when it is acceptable.
 */
export function logPatternProblem(pattern: string): string | null {
  try {
    new RegExp(pattern);
  } catch (error) {
    return `invalid regular expression: ${error instanceof Error ? error.message : error}`;
  }
  const nested = nestedQuantifier(pattern);
  if (nested !== null) {
    return `pattern may backtrack catastrophically: the group "${nested}" repeats something ` +
      `that already repeats; rewrite it without the nested quantifier`;
  }
  return null;
}

/**
 * The first group that holds an unbounded quantifier (`*`, `+`, `{n,}`) and is itself followed
 * by one, e.g. `(a+)+` or `(\w*\s?)*`; null when there is none. A syntactic over-approximation:
 * it may refuse a pattern that would in fact be fast, never the other way for this shape.
 */
function nestedQuantifier(pattern: string): string | null {
  const open: { start: number; repeats: boolean }[] = [];
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\") {
      i++;
      continue;
    }
    if (inClass) {
      if (c === "]") inClass = false;
      continue;
    }
    if (c === "[") inClass = true;
    else if (c === "(") open.push({ start: i, repeats: false });
    else if (c === ")") {
      const group = open.pop();
      if (group === undefined) continue;
      const after = unboundedAt(pattern, i + 1);
      if (group.repeats && after) return pattern.slice(group.start, i + 1);
      // A repeating inner part makes every enclosing group a repeating one too.
      const parent = open.at(-1);
      if (parent !== undefined && (group.repeats || after)) parent.repeats = true;
    } else if (unboundedAt(pattern, i) && open.length > 0) {
      const top = open.at(-1);
      if (top !== undefined) top.repeats = true;
    }
  }
  return null;
}

/** True when an unbounded quantifier starts at `i`. */
function unboundedAt(pattern: string, i: number): boolean {
  const c = pattern[i];
  if (c === "*" || c === "+") return true;
  return c === "{" && /^\{\d+,\}/.test(pattern.slice(i));
}
