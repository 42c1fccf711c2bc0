/**
 * Health checks of one instance (docs/lifecycle.md "Health checks"): a monitor per RUNNING
 * period, made by an injected factory (unit tests use a fake; the default runs the real probes
 * of src/checks/). Emits `healthy`/`unhealthy` on transitions and asks for a restart when the
 * program says `action: restart`.
 */
import type { Clock } from "../clock.ts";
import type { HealthSpec, ProgramSpec } from "../config/types.ts";
import type { HealthStatus, HealthVerdict } from "../protocol/types.ts";
import { HealthMonitor } from "../checks/health_monitor.ts";

/** A running health watch of one RUNNING period. */
export interface HealthWatch {
  status(): HealthVerdict;
  /** Ends the checks (an exec check in flight is SIGKILLed). Idempotent. */
  stop(): void;
}

/** What a watch needs; callbacks fire on transitions only. */
export interface HealthWatchOptions {
  readonly health: HealthSpec;
  readonly spec: ProgramSpec;
  readonly processName: string;
  readonly index: number;
  readonly secretEnv: readonly string[];
  readonly clock: Clock;
  readonly onUnhealthy: (event: { check: string; failures: number; last: string }) => void;
  readonly onHealthy: (event: { check: string }) => void;
}

/** Creates the watch of one RUNNING period. */
export type HealthWatchFactory = (options: HealthWatchOptions) => HealthWatch;

/** The real probes (tcp, http, exec) of src/checks/. */
export const realHealthWatch: HealthWatchFactory = (o) =>
  new HealthMonitor({
    spec: o.health,
    exec: { spec: o.spec, processName: o.processName, index: o.index, secretEnv: o.secretEnv },
    clock: o.clock,
    onUnhealthy: o.onUnhealthy,
    onHealthy: o.onHealthy,
  });

/** The verdict shown while no check runs (not RUNNING, or not checked yet). */
export const UNKNOWN_HEALTH: HealthVerdict = {
  state: "unknown",
  failures: 0,
  checkedAt: null,
  message: "",
};

/** What the slot reports to its instance. */
export interface HealthSlotHooks {
  readonly factory: HealthWatchFactory;
  readonly clock: Clock;
  emit(
    level: "INFO" | "WARN",
    event: "healthy" | "unhealthy",
    fields: Record<string, string | number>,
  ): void;
  /** The process turned unhealthy and its program says `action: restart`. */
  restart(gen: number): void;
}

/** Holds the watch of the current RUNNING period, if any. */
export class HealthSlot {
  readonly #hooks: HealthSlotHooks;
  #current: { gen: number; watch: HealthWatch } | null = null;

  constructor(hooks: HealthSlotHooks) {
    this.#hooks = hooks;
  }

  /**
   * Brings the slot in line with the instance: a watch while RUNNING with `health:`, none
   * otherwise; `restart` forces a new watch (a reload changed `health`).
   */
  sync(
    running: boolean,
    gen: number,
    spec: ProgramSpec,
    who: { name: string; index: number; secretEnv: readonly string[] },
    restart = false,
  ): void {
    const cur = this.#current;
    if (cur !== null && (!running || cur.gen !== gen || restart || spec.health === null)) {
      this.#current = null;
      cur.watch.stop();
    }
    if (!running || spec.health === null || this.#current !== null) return;
    const health = spec.health;
    const watch = this.#hooks.factory({
      health,
      spec,
      processName: who.name,
      index: who.index,
      secretEnv: who.secretEnv,
      clock: this.#hooks.clock,
      onHealthy: (e) => this.#hooks.emit("INFO", "healthy", { check: e.check }),
      onUnhealthy: (e) => {
        this.#hooks.emit("WARN", "unhealthy", {
          check: e.check,
          failures: e.failures,
          last: e.last,
        });
        if (health.action === "restart") this.#hooks.restart(gen);
      },
    });
    this.#current = { gen, watch };
  }

  /** The verdict for status: null without `health:`, `unknown` when not checking. */
  status(spec: ProgramSpec): HealthStatus | null {
    if (spec.health === null) return null;
    const verdict = this.#current?.watch.status() ?? UNKNOWN_HEALTH;
    return { ...verdict, threshold: spec.health.failures };
  }
}
