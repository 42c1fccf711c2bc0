/**
 * Pure alert policy (docs/alerts.md): which daemon events are alerts, crash-loop detection,
 * cooldowns and batching. No timers and no clock of its own: callers pass a monotonic `now` in
 * milliseconds and arm the batch timer themselves when {@link AlertBatcher.offer} says "opened".
 */
import type { AlertsSpec } from "../config/types.ts";
import type { LogEvent } from "../protocol/types.ts";

/** Alert kinds, as named in the config and in mail subjects. */
export type AlertKind =
  | "fatal"
  | "crashloop"
  | "reload-failed"
  | "log-loss"
  | "http-error"
  | "critical"
  | "unhealthy";

/** Kinds that close their batch at once instead of waiting for the batch window. */
const URGENT_KINDS: ReadonlySet<AlertKind> = new Set(["critical"]);

/** One alert inside a batch. */
export interface AlertItem {
  readonly kind: AlertKind;
  /** The event that raised it (for crashloop: the exit that crossed the threshold). */
  readonly event: LogEvent;
  /** For crashloop: the unexpected exits counted within the window. */
  readonly exits?: number;
}

/** A closed batch: what one mail reports. */
export interface AlertBatch {
  /** Alerts in arrival order, at most {@link MAX_BATCH_ITEMS}. */
  readonly items: readonly AlertItem[];
  /** Alerts beyond the cap: counted, not listed. */
  readonly omitted: number;
}

/** Most alerts listed in one mail; a storm beyond this is only counted. */
export const MAX_BATCH_ITEMS = 50;

/** Result of offering one event. `opened`: the caller must arm a batchWindow timer. */
export type OfferResult = "opened" | "added" | "ignored";

/** Stateful batcher; one per alerter. */
export class AlertBatcher {
  #items: AlertItem[] = [];
  #omitted = 0;
  #open = false;
  #urgent = false;
  /** Recent unexpected exit times per program (ms), pruned to the window and the threshold. */
  #exits = new Map<string, number[]>();
  /** Per `kind program` key: time (ms) before which another alert of that key is suppressed. */
  #quietUntil = new Map<string, number>();

  /**
   * True when the open batch holds an urgent alert (`critical`: the daemon is about to exit), so
   * the caller should send it now rather than at the end of the batch window.
   */
  get urgent(): boolean {
    return this.#urgent;
  }

  /** True while a batch is open (its first alert arrived and it was not taken yet). */
  get open(): boolean {
    return this.#open;
  }

  /**
   * Considers one daemon event under the current `rules`. Returns "opened" when it started a new
   * batch, "added" when it joined the open one, "ignored" when it is no alert (or suppressed).
   */
  offer(event: LogEvent, now: number, rules: AlertsSpec): OfferResult {
    const alert = this.#classify(event, now, rules);
    if (alert === null) return "ignored";
    if (this.#items.length < MAX_BATCH_ITEMS) this.#items.push(alert);
    else this.#omitted++;
    if (URGENT_KINDS.has(alert.kind)) this.#urgent = true;
    if (this.#open) return "added";
    this.#open = true;
    return "opened";
  }

  /** Closes the open batch and returns it, or null when none is open. */
  take(): AlertBatch | null {
    if (!this.#open) return null;
    const batch = { items: this.#items, omitted: this.#omitted };
    this.#items = [];
    this.#omitted = 0;
    this.#open = false;
    this.#urgent = false;
    return batch;
  }

  #classify(event: LogEvent, now: number, rules: AlertsSpec): AlertItem | null {
    switch (event.event) {
      case "fatal":
        return rules.fatal ? { kind: "fatal", event } : null;
      case "reload-failed":
        return rules.reloadFailed ? { kind: "reload-failed", event } : null;
      // A condition that repeats (a full disk, a port in use) alerts once per cooldown per program.
      case "log-loss":
        return rules.logLoss ? this.#cooled({ kind: "log-loss", event }, now, rules) : null;
      case "http-error":
        return rules.httpError ? this.#cooled({ kind: "http-error", event }, now, rules) : null;
      // At most one per daemon run (the daemon exits), so neither cooldown nor count applies.
      case "critical-exit":
        return rules.critical ? { kind: "critical", event } : null;
      case "unhealthy":
        return rules.unhealthy ? { kind: "unhealthy", event } : null;
      case "exited":
        return event.fields.expected === false && rules.crashloop
          ? this.#crashloop(event, now, rules)
          : null;
      default:
        return null;
    }
  }

  /** Counts one unexpected exit; yields a crashloop alert when the threshold is crossed. */
  #crashloop(event: LogEvent, now: number, rules: AlertsSpec): AlertItem | null {
    const windowMs = rules.crashloopWindow * 1000;
    const exits = (this.#exits.get(event.program) ?? []).filter((t) => now - t < windowMs);
    exits.push(now);
    const threshold = Math.max(1, rules.crashloopExits);
    if (exits.length < threshold) {
      this.#exits.set(event.program, exits);
      return null;
    }
    // Threshold crossed: start counting afresh so the next loop needs a full window again.
    this.#exits.delete(event.program);
    return this.#cooled({ kind: "crashloop", event, exits: exits.length }, now, rules);
  }

  /** Passes `item` unless its kind+program alerted less than crashloopCooldown ago. */
  #cooled(item: AlertItem, now: number, rules: AlertsSpec): AlertItem | null {
    const key = `${item.kind} ${item.event.program}`;
    const until = this.#quietUntil.get(key);
    if (until !== undefined && now < until) return null;
    this.#quietUntil.set(key, now + rules.crashloopCooldown * 1000);
    return item;
  }
}
