/**
 * Repeated probing on the Clock, shared by the ready watcher and the health monitor: the first
 * check after `initialDelayMs`, then one every `periodMs` (start to start), never two at a time:
 * a check slower than the period delays the next one until it ended.
 */
import type { Clock, TimerId } from "../clock.ts";
import type { CheckTarget } from "../config/types.ts";
import { runProbe } from "./run.ts";
import type { ExecIdentity, ProbeOs, ProbeResult } from "./types.ts";

/** What a {@link ProbeLoop} runs and how often. */
export interface ProbeLoopOptions {
  readonly clock: Clock;
  readonly os: ProbeOs;
  readonly exec: ExecIdentity | null;
  /** Placeholders already resolved. */
  readonly target: CheckTarget;
  readonly initialDelayMs: number;
  readonly periodMs: number;
  readonly timeoutMs: number;
  /** Each completed check, in order; not called after {@link ProbeLoop.stop}. */
  readonly onResult: (result: ProbeResult) => void;
}

/** Runs checks until stopped. Starts on construction. */
export class ProbeLoop {
  readonly #options: ProbeLoopOptions;
  #timer: TimerId | null = null;
  /** One for the loop's life: aborting it ends the check in flight (no per-check object). */
  readonly #cancel = new AbortController();
  #stopped = false;

  constructor(options: ProbeLoopOptions) {
    this.#options = options;
    this.#arm(options.initialDelayMs);
  }

  /** Cancels the pending timer and ends a check in flight (an exec check's group is killed). */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    if (this.#timer !== null) this.#options.clock.clearTimer(this.#timer);
    this.#timer = null;
    this.#cancel.abort();
  }

  #arm(ms: number): void {
    this.#timer = this.#options.clock.setTimer(Math.max(0, ms), () => {
      this.#timer = null;
      void this.#check();
    });
  }

  async #check(): Promise<void> {
    const o = this.#options;
    const started = o.clock.now();
    const result = await runProbe(o.target, o.timeoutMs, {
      clock: o.clock,
      os: o.os,
      exec: o.exec,
      signal: this.#cancel.signal,
    });
    if (this.#stopped) return;
    o.onResult(result);
    if (this.#stopped) return;
    this.#arm(started + o.periodMs - o.clock.now());
  }
}
