/**
 * Prototype-pollution detector: snapshots the own properties (names and descriptors) of the
 * built-in prototypes a hostile key could reach, and reports any difference later.
 */

const TARGETS: Record<string, object> = {
  "Object.prototype": Object.prototype,
  "Array.prototype": Array.prototype,
  "Function.prototype": Function.prototype,
  "String.prototype": String.prototype,
  "Map.prototype": Map.prototype,
};

function describe(target: object): Map<PropertyKey, string> {
  const out = new Map<PropertyKey, string>();
  for (const key of Reflect.ownKeys(target)) {
    const d = Object.getOwnPropertyDescriptor(target, key);
    // Identity of the value matters, not its text: compare by reference through a WeakMap-free
    // encoding (type + writable/enumerable flags + the value itself kept alongside).
    out.set(key, `${typeof d?.value}|${d?.writable}|${d?.enumerable}|${d?.configurable}`);
  }
  return out;
}

/** A snapshot of the built-in prototypes; `diff()` lists every change since it was taken. */
export interface PrototypeSnapshot {
  /** Human-readable changes (added, removed or redefined keys); empty when untouched. */
  diff(): string[];
}

/** Takes a snapshot of the built-in prototypes now. */
export function snapshotPrototypes(): PrototypeSnapshot {
  const before = new Map<
    string,
    { shape: Map<PropertyKey, string>; values: Map<PropertyKey, unknown> }
  >();
  for (const [name, target] of Object.entries(TARGETS)) {
    const values = new Map<PropertyKey, unknown>();
    for (const key of Reflect.ownKeys(target)) {
      values.set(key, Object.getOwnPropertyDescriptor(target, key)?.value);
    }
    before.set(name, { shape: describe(target), values });
  }
  return {
    diff(): string[] {
      const changes: string[] = [];
      for (const [name, target] of Object.entries(TARGETS)) {
        const old = before.get(name);
        if (!old) continue;
        const now = describe(target);
        for (const [key, shape] of now) {
          if (!old.shape.has(key)) changes.push(`${name}.${String(key)} added`);
          else if (old.shape.get(key) !== shape) changes.push(`${name}.${String(key)} redefined`);
          else if (old.values.get(key) !== Object.getOwnPropertyDescriptor(target, key)?.value) {
            changes.push(`${name}.${String(key)} replaced`);
          }
        }
        for (const key of old.shape.keys()) {
          if (!now.has(key)) changes.push(`${name}.${String(key)} removed`);
        }
      }
      // A polluted prototype is also visible on a fresh object.
      const probe = {} as Record<string, unknown>;
      for (const key of ["polluted", "isAdmin", "cmd", "argv", "uid"]) {
        if (probe[key] !== undefined) changes.push(`({}).${key} is ${String(probe[key])}`);
      }
      return changes;
    },
  };
}
