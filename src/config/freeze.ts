/** Recursive Object.freeze for the resolved config (runtime code must never mutate it). */

/** Freezes `value` and everything reachable from it; returns it typed as deeply readonly. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}
