/** "did you mean X?" hints for unknown config keys (edit distance, pure). */

/** Levenshtein distance between two short strings (keys are a few dozen characters at most). */
export function editDistance(a: string, b: string): number {
  if (a.length > 200 || b.length > 200) return Math.abs(a.length - b.length) + 200;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

/**
 * The closest candidate to `key` if it is plausibly a typo (distance at most a third of the
 * key's length, minimum 2; case differences count as distance 0), else null.
 */
export function closestKey(key: string, candidates: readonly string[]): string | null {
  let best: string | null = null;
  let bestDist = Infinity;
  const lower = key.toLowerCase();
  for (const c of candidates) {
    const d = editDistance(lower, c.toLowerCase());
    if (d < bestDist) {
      best = c;
      bestDist = d;
    }
  }
  const limit = Math.max(2, Math.floor(key.length / 3));
  return bestDist <= limit ? best : null;
}

/** Message for an unknown key, with a hint when one candidate is close. */
export function unknownKeyMessage(key: string, candidates: readonly string[]): string {
  const hint = closestKey(key, candidates);
  return hint === null
    ? `unknown key (allowed: ${candidates.join(", ")})`
    : `unknown key (did you mean "${hint}"?)`;
}
