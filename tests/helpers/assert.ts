/**
 * Minimal assertions for tests (JSR's @std/assert cannot be reached from our machines).
 * Each throws an AssertionError with a message naming what differed.
 */

/** Thrown by every assertion. */
export class AssertionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AssertionError";
  }
}

/** Fails unless `condition` is truthy. */
export function assert(condition: unknown, message = "assertion failed"): asserts condition {
  if (!condition) throw new AssertionError(message);
}

/** Fails unless `actual` deep-equals `expected` (JSON-comparable values, Maps, Sets, bytes). */
export function assertEquals<T>(actual: T, expected: T, message?: string): void {
  if (!deepEqual(actual, expected)) {
    throw new AssertionError(
      `${message ? message + ": " : ""}expected ${show(expected)}, got ${show(actual)}`,
    );
  }
}

/** Fails if `actual` deep-equals `expected`. */
export function assertNotEquals<T>(actual: T, expected: T, message?: string): void {
  if (deepEqual(actual, expected)) {
    throw new AssertionError(`${message ? message + ": " : ""}did not expect ${show(actual)}`);
  }
}

/** Fails unless `text` matches `pattern`. */
export function assertMatch(text: string, pattern: RegExp, message?: string): void {
  if (!pattern.test(text)) {
    throw new AssertionError(
      `${message ? message + ": " : ""}${show(text)} does not match ${pattern}`,
    );
  }
}

/** Fails unless `text` contains `part`. */
export function assertStringIncludes(text: string, part: string, message?: string): void {
  if (!text.includes(part)) {
    throw new AssertionError(`${message ? message + ": " : ""}${show(text)} lacks ${show(part)}`);
  }
}

/** Fails unless `fn` throws (or rejects); returns the error. */
export async function assertRejects(
  fn: () => unknown,
  pattern?: RegExp,
): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    if (pattern) assertMatch(error instanceof Error ? error.message : String(error), pattern);
    return error;
  }
  throw new AssertionError("expected an error, none was thrown");
}

function show(value: unknown): string {
  try {
    const text = typeof value === "string" ? JSON.stringify(value) : Deno.inspect(value);
    return text.length > 2000 ? text.slice(0, 2000) + "…" : text;
  } catch {
    return String(value);
  }
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    return a.length === b.length && a.every((v, i) => v === b[i]);
  }
  if (a instanceof Map && b instanceof Map) {
    return a.size === b.size && [...a].every(([k, v]) => b.has(k) && deepEqual(v, b.get(k)));
  }
  if (a instanceof Set && b instanceof Set) {
    return a.size === b.size && [...a].every((v) => b.has(v));
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  if (keysA.length !== keysB.length) return false;
  return keysA.every((key) =>
    Object.hasOwn(b, key) &&
    deepEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])
  );
}
