/**
 * Readiness of one spawn (docs/checks.md "Ready checks"): probes from spawn + `initialdelay`
 * every `period`, or matches output lines for a `log` check, until the first pass or the
 * `deadline` (measured from spawn). Each outcome is reported once; then it stops by itself.
 */
import type { TimerId } from "../clock.ts";
import type { ReadySpec } from "../config/types.ts";
import { createLineMatcher, type LineMatcher } from "../config/log_pattern.ts";
import { realProbeOs } from "./os.ts";
import { resolveTarget } from "../config/check_placeholders.ts";
import { ProbeLoop } from "./probe_loop.ts";
import type { CheckKind, CheckRunnerOptions } from "./types.ts";

/** The first pass: `after` is seconds since the spawn. */
export interface ReadyEvent {
  readonly check: CheckKind;
  readonly after: number;
}

/** The deadline passed without a pass; `last` is the last failure (or why none completed). */
export interface ReadyDeadlineEvent {
  readonly check: CheckKind;
  /** Seconds, as configured. */
  readonly deadline: number;
  readonly last: string;
}

/** What a {@link ReadyWatcher} needs; create it right after the spawn. */
export interface ReadyWatcherOptions extends CheckRunnerOptions {
  readonly spec: ReadySpec;
  readonly onReady: (event: ReadyEvent) => void;
  readonly onDeadline: (event: ReadyDeadlineEvent) => void;
}

/** Watches one spawn until it is ready, its deadline passes, or {@link stop} is called. */
export class ReadyWatcher {
  readonly #options: ReadyWatcherOptions;
  readonly #spawnedAt: number;
  readonly #kind: CheckKind;
  readonly #matcher: LineMatcher | null;
  readonly #loop: ProbeLoop | null;
  #deadlineTimer: TimerId | null;
  #last = "no check completed yet";
  #done = false;
  #passed = false;

  constructor(options: ReadyWatcherOptions) {
    this.#options = options;
    const { spec, clock } = options;
    this.#spawnedAt = clock.now();
    const target = resolveTarget(spec.check, options.exec.index);
    this.#kind = target.kind;
    this.#deadlineTimer = clock.setTimer(spec.deadline * 1000, () => this.#deadline());
    if (target.kind === "log") {
      this.#loop = null;
      try {
        this.#matcher = createLineMatcher(target.pattern);
        this.#last = "no matching line";
      } catch (error) {
        // Load refuses bad patterns (logPatternProblem); should one slip through, the spawn
        // meets its deadline with the reason instead of the driver getting an exception.
        this.#matcher = () => false;
        this.#last = `invalid regular expression: ${
          error instanceof Error ? error.message : error
        }`;
      }
      return;
    }
    this.#matcher = null;
    this.#loop = new ProbeLoop({
      clock,
      os: options.os ?? realProbeOs,
      exec: options.exec,
      target,
      initialDelayMs: spec.initialdelay * 1000,
      periodMs: spec.period * 1000,
      timeoutMs: spec.timeout * 1000,
      onResult: (result) => {
        if (result.ok) this.#pass();
        else this.#last = result.message;
      },
    });
  }

  /** True once a check passed for this spawn. */
  get passed(): boolean {
    return this.#passed;
  }

  /**
   * One complete output line (stdout or stderr) of this spawn, without its line break. Only a
   * `log` check looks at it; cheap to call for every line (nothing is done once finished).
   */
  feedLine(line: string): void {
    if (this.#done || this.#matcher === null) return;
    if (this.#matcher(line)) this.#pass();
  }

  /** Stops checking: timers cancelled, an exec check in flight SIGKILLed. Idempotent. */
  stop(): void {
    this.#done = true;
    if (this.#deadlineTimer !== null) this.#options.clock.clearTimer(this.#deadlineTimer);
    this.#deadlineTimer = null;
    this.#loop?.stop();
  }

  #pass(): void {
    if (this.#done) return;
    this.#passed = true;
    const after = (this.#options.clock.now() - this.#spawnedAt) / 1000;
    this.stop();
    this.#options.onReady({ check: this.#kind, after: Math.round(after * 1000) / 1000 });
  }

  #deadline(): void {
    this.#deadlineTimer = null;
    if (this.#done) return;
    this.stop();
    this.#options.onDeadline({
      check: this.#kind,
      deadline: this.#options.spec.deadline,
      last: this.#last,
    });
  }
}
