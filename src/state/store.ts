/**
 * Operator intent (docs/state.md): the desired state of each process an operator set explicitly,
 * kept in memory and, unless `statefile: false`, in the state file. Every change is written
 * before the action it records starts, atomically, and only when the overrides changed; a failed
 * write never fails the action (the caller appends `not saved: REASON` to its result).
 */
import type { Clock } from "../clock.ts";
import type { EventHub } from "../events.ts";
import type { DesiredState } from "../protocol/types.ts";
import { dirOf } from "../protocol/socket_path.ts";
import { type Override, type OverrideBy, parseState, serializeState } from "./format.ts";
import { denoStateFs, type StateFs } from "./state_fs.ts";

/** File mode of the state file: it may name every program, so only the daemon's user reads it. */
export const STATE_FILE_MODE = 0o600;

/** Construction options; the file system and clock are injectable for tests. */
export interface StateStoreOptions {
  /** Absolute path of the state file, or null for intent kept in memory only. */
  readonly path: string | null;
  readonly hub: EventHub;
  readonly clock: Clock;
  readonly fs?: StateFs;
}

/** What `restore` did, as logged in `state-restored`. */
export interface RestoreReport {
  readonly applied: number;
  readonly dropped: number;
}

/** The state facts `taskmasterctl info` shows. */
export interface StateInfo {
  stateFile: string | null;
  stateError: string | null;
  overrides: number;
}

/** Holds the overrides and keeps the state file in step with them. */
export class StateStore {
  #path: string | null;
  #hub: EventHub;
  #clock: Clock;
  #fs: StateFs;
  #overrides = new Map<string, Override>();
  #lastError: string | null = null;
  /** A write failed since the last good one: the next change must write even if equal. */
  #unsaved = false;

  constructor(options: StateStoreOptions) {
    this.#path = options.path;
    this.#hub = options.hub;
    this.#clock = options.clock;
    this.#fs = options.fs ?? denoStateFs;
  }

  /** The state file path, or null when intent is kept in memory only. */
  get path(): string | null {
    return this.#path;
  }

  /** The override of one process, if any. */
  override(name: string): Override | undefined {
    return this.#overrides.get(name);
  }

  /** The operator's override if any, else the `autostart` default. */
  desired(name: string, autostart: boolean): DesiredState {
    return this.#overrides.get(name)?.desired ?? (autostart ? "started" : "stopped");
  }

  /** True when an override exists for `name`. */
  held(name: string): boolean {
    return this.#overrides.has(name);
  }

  /** True when the operator holds `name` stopped. */
  heldStopped(name: string): boolean {
    return this.#overrides.get(name)?.desired === "stopped";
  }

  info(): StateInfo {
    return {
      stateFile: this.#path,
      stateError: this.#lastError,
      overrides: this.#overrides.size,
    };
  }

  /**
   * Daemon start: reads the file, keeps the overrides of names `exists` accepts and drops the
   * rest (rewriting the file when any was dropped), and logs `state-restored`. An unreadable
   * file or one this version cannot parse is set aside as `FILE.corrupt-UNIXTIME` with a
   * `state-error`, and defaults are used. Never throws.
   */
  restore(exists: (name: string) => boolean): RestoreReport {
    const path = this.#path;
    if (path === null) return { applied: 0, dropped: 0 };
    this.#fs.remove(tempPath(path)); // a write cut short by a crash
    const loaded = this.#read(path);
    let dropped = 0;
    for (const [name, override] of loaded) {
      if (exists(name)) this.#overrides.set(name, override);
      else dropped++;
    }
    if (dropped > 0) this.#save();
    const report = { applied: this.#overrides.size, dropped };
    this.#hub.emit("INFO", "state-restored", null, { ...report, file: path });
    return report;
  }

  /**
   * Records `desired` for each name (an explicit operator start, restart or stop), writing the
   * file first when anything changed. Answers null when saved (or nothing to save), else the
   * reason the write failed (already logged as `state-error`).
   */
  record(names: readonly string[], desired: DesiredState, by: OverrideBy): string | null {
    const since = new Date(this.#clock.wall()).toISOString();
    let changed = false;
    for (const name of names) {
      const old = this.#overrides.get(name);
      if (old !== undefined && old.desired === desired && old.by === by) continue;
      this.#overrides.set(name, { desired, since, by });
      changed = true;
    }
    return changed || this.#unsaved ? this.#save() : null;
  }

  /** Removes the overrides of `names`; answers the names that had one and the write's failure. */
  reset(names: readonly string[]): { removed: string[]; error: string | null } {
    const removed = names.filter((name) => this.#overrides.delete(name));
    const error = removed.length > 0 || this.#unsaved ? this.#save() : null;
    return { removed, error };
  }

  /** Reload: drops the overrides of processes that no longer exist (writing if any did). */
  retain(exists: (name: string) => boolean): void {
    let dropped = false;
    for (const name of [...this.#overrides.keys()]) {
      if (!exists(name)) dropped = this.#overrides.delete(name) || dropped;
    }
    if (dropped) this.#save();
  }

  // ---- internals ---------------------------------------------------------------------------

  /** The overrides in the file: none when it is missing or was set aside. */
  #read(path: string): Map<string, Override> {
    let bytes: Uint8Array;
    try {
      bytes = this.#fs.readFile(path);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return new Map();
      this.#fail("WARN", `cannot read ${path}: ${errorText(error)}`, {});
      return new Map();
    }
    let text: string | null = null;
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch {
      // Not UTF-8: set aside like any other unparseable file.
    }
    const parsed = text === null
      ? { ok: false as const, reason: "not valid UTF-8" }
      : parseState(text);
    if (parsed.ok) return parsed.overrides;
    const aside = `${path}.corrupt-${Math.floor(this.#clock.wall() / 1000)}`;
    try {
      this.#fs.rename(path, aside);
      this.#fail("WARN", `cannot use ${path}: ${parsed.reason}; set aside, defaults used`, {
        moved: aside,
      });
    } catch (error) {
      this.#fail(
        "WARN",
        `cannot use ${path}: ${parsed.reason}; defaults used, and setting it aside failed: ${
          errorText(error)
        }`,
        {},
      );
    }
    return new Map();
  }

  /**
   * Writes the overrides atomically: a temp file in the same folder, written in full and
   * fsynced, renamed over the file, then the folder fsynced so the rename survives a crash.
   * The old file is never opened for writing, so a failure leaves it as it was.
   */
  #save(): string | null {
    const path = this.#path;
    if (path === null) return null;
    const temp = tempPath(path);
    const text = serializeState(this.#overrides, new Date(this.#clock.wall()).toISOString());
    try {
      this.#fs.remove(temp);
      const file = this.#fs.createNew(temp, STATE_FILE_MODE);
      try {
        file.writeAll(new TextEncoder().encode(text));
        file.sync();
      } finally {
        file.close();
      }
      this.#fs.rename(temp, path);
      this.#fs.syncDir(dirOf(path));
    } catch (error) {
      try {
        this.#fs.remove(temp);
      } catch {
        // The write already failed; a leftover temp file is removed at the next write or start.
      }
      this.#unsaved = true;
      const reason = errorText(error);
      this.#fail("ERROR", reason, {});
      return reason;
    }
    this.#unsaved = false;
    this.#lastError = null;
    return null;
  }

  #fail(level: "WARN" | "ERROR", reason: string, extra: Record<string, string>): void {
    this.#lastError = reason;
    this.#hub.emit(level, "state-error", null, { reason, file: this.#path, ...extra });
  }
}

/** The temp file of a write: fixed, so a crash leaves at most one, removed at the next start. */
export function tempPath(path: string): string {
  return `${path}.tmp-write`;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
