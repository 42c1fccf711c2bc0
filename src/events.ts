/**
 * The daemon's event hub: every event the event log records goes through {@link EventHub.emit}.
 * It keeps the last {@link RECENT_EVENTS} events in memory (for `/logs` and `taskmasterctl log`)
 * and fans each one out synchronously to subscribers; a throwing subscriber is isolated.
 */
import type { EventName, LogEvent, LogLevel } from "./protocol/types.ts";

export { formatEvent } from "./protocol/event_format.ts";

/** How many events stay in memory. */
export const RECENT_EVENTS = 1000;

/** Event details: key=value pairs. */
export type EventFields = LogEvent["fields"];

/** Receives every event after it was recorded. */
export type EventListener = (event: LogEvent) => void;

/** Fan-out of daemon events with a bounded history. */
export class EventHub {
  #ring: LogEvent[] = [];
  #seq = 0;
  #listeners = new Set<EventListener>();
  #now: () => Date;

  /** @param now wall clock used for event timestamps (tests pass a fixed one). */
  constructor(now: () => Date = () => new Date()) {
    this.#now = now;
  }

  /** Records one event and delivers it to every subscriber, in order. */
  emit(
    level: LogLevel,
    event: EventName,
    process: { process: string; program: string } | null,
    fields: EventFields = {},
  ): LogEvent {
    const entry: LogEvent = {
      seq: ++this.#seq,
      time: this.#now().toISOString(),
      level,
      process: process?.process ?? "-",
      program: process?.program ?? "-",
      event,
      fields,
    };
    this.#ring.push(entry);
    if (this.#ring.length > RECENT_EVENTS) this.#ring.splice(0, this.#ring.length - RECENT_EVENTS);
    for (const listener of [...this.#listeners]) {
      try {
        listener(entry);
      } catch (error) {
        // A broken subscriber (closed stream, bad renderer) must not stop the others or the
        // caller, which is usually the supervisor in the middle of a transition.
        this.#listeners.delete(listener);
        queueMicrotask(() =>
          this.emit("ERROR", "config-error", null, {
            reason: `event subscriber failed: ${String(error)}`,
          })
        );
      }
    }
    return entry;
  }

  /** The last `n` events (all kept ones by default), oldest first. */
  recent(n: number = RECENT_EVENTS): LogEvent[] {
    return n <= 0 ? [] : this.#ring.slice(-n);
  }

  /** Adds a listener; returns the function that removes it. */
  subscribe(listener: EventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

/** Minimum-level filter helper: true when `level` is at least `min`. */
export function levelAtLeast(level: LogLevel, min: LogLevel): boolean {
  const order: Record<LogLevel, number> = { DEBUG: 0, INFO: 1, WARN: 2, ERROR: 3 };
  return order[level] >= order[min];
}
