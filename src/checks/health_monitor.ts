/**
 * Health of one RUNNING period of a process (docs/checks.md "Health checks"): probes after
 * `initialdelay`, every `period`; `failures` consecutive failures make it unhealthy, one pass
 * makes it healthy again and resets the count. Callbacks fire on transitions only.
 */
import type { HealthSpec } from "../config/types.ts";
import type { HealthStatus, HealthVerdict } from "../protocol/types.ts";
import { realProbeOs } from "./os.ts";
import { resolveTarget } from "../config/check_placeholders.ts";
import { ProbeLoop } from "./probe_loop.ts";
import type { CheckKind, CheckRunnerOptions, ProbeResult } from "./types.ts";

/** The process turned unhealthy: `failures` consecutive failures, `last` the latest reason. */
export interface UnhealthyEvent {
  readonly check: CheckKind;
  readonly failures: number;
  readonly last: string;
}

/** The process turned healthy; `from` tells a first verdict from a recovery. */
export interface HealthyEvent {
  readonly check: CheckKind;
  readonly from: "unknown" | "unhealthy";
}

/** What a {@link HealthMonitor} needs; create it when the process becomes RUNNING. */
export interface HealthMonitorOptions extends CheckRunnerOptions {
  readonly spec: HealthSpec;
  readonly onUnhealthy: (event: UnhealthyEvent) => void;
  readonly onHealthy: (event: HealthyEvent) => void;
}

/** Checks one RUNNING process until {@link stop}. */
export class HealthMonitor {
  readonly #options: HealthMonitorOptions;
  readonly #kind: CheckKind;
  readonly #loop: ProbeLoop;
  #state: HealthStatus["state"] = "unknown";
  #failures = 0;
  /** Wall-clock ms of the last completed check; formatted only when asked for. */
  #checkedAt: number | null = null;
  #message = "";

  constructor(options: HealthMonitorOptions) {
    this.#options = options;
    const { spec, clock } = options;
    const target = resolveTarget(spec.check, options.exec.index);
    this.#kind = target.kind;
    this.#loop = new ProbeLoop({
      clock,
      os: options.os ?? realProbeOs,
      exec: options.exec,
      target,
      initialDelayMs: spec.initialdelay * 1000,
      periodMs: spec.period * 1000,
      timeoutMs: spec.timeout * 1000,
      onResult: (result) => this.#record(result),
    });
  }

  /** The current verdict (a fresh object); `unknown` until the first, and after {@link stop}. */
  status(): HealthVerdict {
    return {
      state: this.#state,
      failures: this.#failures,
      checkedAt: this.#checkedAt === null ? null : new Date(this.#checkedAt).toISOString(),
      message: this.#message,
    };
  }

  /** Stops checking (an exec check in flight is SIGKILLed) and forgets the verdict. */
  stop(): void {
    this.#loop.stop();
    this.#state = "unknown";
    this.#failures = 0;
    this.#checkedAt = null;
    this.#message = "";
  }

  #record(result: ProbeResult): void {
    this.#checkedAt = this.#options.clock.wall();
    if (result.ok) {
      const from = this.#state;
      this.#failures = 0;
      this.#message = "";
      this.#state = "healthy";
      if (from !== "healthy") this.#options.onHealthy({ check: this.#kind, from });
      return;
    }
    this.#failures++;
    this.#message = result.message;
    if (this.#state !== "unhealthy" && this.#failures >= this.#options.spec.failures) {
      this.#state = "unhealthy";
      this.#options.onUnhealthy({
        check: this.#kind,
        failures: this.#failures,
        last: result.message,
      });
    }
  }
}
