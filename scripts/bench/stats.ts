/** Summaries of repeated measurements and deadline-bounded polling used by every scenario. */

/** Median, minimum and maximum of a set of samples (plus the samples themselves). */
export interface Summary {
  median: number;
  min: number;
  max: number;
  samples: number[];
}

/** Summarises samples; an empty list yields NaN figures so the report shows "n/a". */
export function summarize(samples: number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const n = sorted.length;
  const median = n === 0
    ? NaN
    : n % 2 === 1
    ? sorted[(n - 1) / 2]!
    : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
  return { median, min: sorted[0] ?? NaN, max: sorted[n - 1] ?? NaN, samples };
}

/** Median of a list (NaN when empty). */
export function median(samples: number[]): number {
  return summarize(samples).median;
}

/**
 * Re-evaluates `check` until it returns a truthy value, at most `timeoutMs` long, pausing
 * `intervalMs` between tries (0 = back to back, still yielding to the event loop).
 */
export async function pollUntil<T>(
  what: string,
  check: () => T | Promise<T>,
  timeoutMs: number,
  intervalMs = 0,
): Promise<NonNullable<T>> {
  const deadline = performance.now() + timeoutMs;
  let last: unknown = null;
  while (performance.now() < deadline) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
      last = value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${String(last)})`);
}
