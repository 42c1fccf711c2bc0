/**
 * A linear pre-scan that rejects absurdly deep or alias-heavy YAML before the (recursive) parser sees it:
 * `yaml` survives 100k nested `[` only by throwing stack overflows, and that takes ~0.6 s
 * (measured), too slow for the 200 ms of row B7 (docs/reliability.md). The scan is deliberately
 * approximate: flow brackets are counted outside quoted scalars and comments, block depth is
 * estimated from indentation plus compact `- ` indicators. Real configs are a few levels deep.
 */

/** Deepest flow (`[`/`{`) nesting accepted. */
export const MAX_FLOW_DEPTH = 64;
/** Largest indentation-plus-indicator estimate of block nesting accepted. */
export const MAX_BLOCK_DEPTH = 256;

/** Most alias references (`*name`) accepted; `yaml` resolves each one slowly on huge files. */
export const MAX_ALIASES = 1000;

/** What the pre-scan found wrong, at which source offset. */
export interface PrescanProblem {
  readonly offset: number;
  readonly message: string;
}

/** Scans `text` once; null when fine, else the first limit passed and where. */
export function prescanYaml(text: string): PrescanProblem | null {
  let aliases = 0;
  let flow = 0;
  let lineStart = true;
  let indent = 0;
  let indicators = 0;
  let prev = ""; // last non-space character on the current line
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (ch === "\n") {
      lineStart = true;
      indent = 0;
      indicators = 0;
      prev = "";
      continue;
    }
    if (lineStart && ch === " ") {
      indent++;
      if (indent > MAX_BLOCK_DEPTH) return deep(i);
      continue;
    }
    lineStart = false;
    if (ch === " " || ch === "\t" || ch === "\r") continue;
    const atValueStart = prev === "" || ":-[{,?".includes(prev);
    if (ch === "#" && (prev === "" || text[i - 1] === " " || text[i - 1] === "\t")) {
      while (i + 1 < text.length && text[i + 1] !== "\n") i++;
      continue;
    }
    if ((ch === '"' || ch === "'") && (atValueStart || flow > 0)) {
      i = skipQuoted(text, i, ch);
      prev = ch;
      continue;
    }
    if ((ch === "[" || ch === "{") && (atValueStart || flow > 0)) {
      flow++;
      if (flow > MAX_FLOW_DEPTH) return deep(i);
    } else if ((ch === "]" || ch === "}") && flow > 0) {
      flow--;
    } else if (ch === "*" && (atValueStart || flow > 0)) {
      aliases++;
      if (aliases > MAX_ALIASES) {
        return { offset: i, message: `too many aliases (more than ${MAX_ALIASES})` };
      }
    } else if ((ch === "-" || ch === "?") && flow === 0 && atValueStart) {
      const next = text[i + 1];
      if (next === " " || next === "\n" || next === undefined) {
        indicators++;
        if (indent + indicators > MAX_BLOCK_DEPTH) return deep(i);
      }
    }
    prev = ch;
  }
  return null;
}

function deep(offset: number): PrescanProblem {
  return { offset, message: "nesting too deep (YAML bomb?)" };
}

/** Index of the closing quote of a quoted scalar starting at `start` (or the text's end). */
function skipQuoted(text: string, start: number, quote: string): number {
  for (let i = start + 1; i < text.length; i++) {
    const ch = text[i];
    if (quote === '"' && ch === "\\") {
      i++;
    } else if (ch === quote) {
      if (quote === "'" && text[i + 1] === "'") i++;
      else return i;
    }
  }
  return text.length;
}
