/**
 * Readiness and health probes (docs/checks.md): the surface the process driver uses.
 */
export { HealthMonitor } from "./health_monitor.ts";
export type { HealthMonitorOptions, HealthyEvent, UnhealthyEvent } from "./health_monitor.ts";
export { ReadyWatcher } from "./ready_watcher.ts";
export type { ReadyDeadlineEvent, ReadyEvent, ReadyWatcherOptions } from "./ready_watcher.ts";
export { createLineMatcher, LOG_LINE_CAP, logPatternProblem } from "./log_matcher.ts";
export {
  placeholderProblem,
  resolvePlaceholders,
  resolveTarget,
  targetPlaceholderProblem,
} from "./placeholders.ts";
export { runProbe } from "./run.ts";
export { realProbeOs } from "./os.ts";
export type { CheckKind, ExecIdentity, ProbeContext, ProbeOs, ProbeResult } from "./types.ts";
