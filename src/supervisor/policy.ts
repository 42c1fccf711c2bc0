/**
 * Pure restart and delay policy: whether an exit is expected, whether to restart, how long to
 * wait. No Deno APIs, no clock.
 */
import type { AutoRestart } from "../config/types.ts";
import type { ExitInfo } from "./states.ts";

/** An uptime of at least this long resets the crash-loop throttle (docs/lifecycle.md). */
export const STABLE_UPTIME_MS = 60_000;

/** True when the exit counts as expected: a normal exit with a code in `exitcodes`. */
export function isExpected(exit: ExitInfo, exitcodes: readonly number[]): boolean {
  return exit.signal === null && exit.code !== null && exitcodes.includes(exit.code);
}

/** Whether `autorestart` asks for a restart after this exit. */
export function shouldRestart(autorestart: AutoRestart, expected: boolean): boolean {
  if (autorestart === "always") return true;
  if (autorestart === "never") return false;
  return !expected;
}

/** Growth of the start-retry delay per failed start. */
const BACKOFF_STEP_MS = 1000;

/** Start-retry delay in ms after the `retries`-th failed start: 1 s, 2 s, 3 s… */
export function backoffDelayMs(retries: number): number {
  return retries * BACKOFF_STEP_MS;
}

/**
 * Sum of every start-retry delay when all `startretries` retries happen: Σ backoffDelayMs(1…n),
 * in closed form (n may be any safe integer); the unit test pins it to the sum.
 */
export function totalBackoffMs(startretries: number): number {
  return (BACKOFF_STEP_MS * startretries * (startretries + 1)) / 2;
}

/**
 * Crash-loop delay in ms for the `quickCrashes`-th consecutive quick exit: the first restart is
 * immediate, then 1 s, 2 s, 4 s… capped at `maxrestartdelay` seconds (0 = always immediate).
 */
export function crashDelayMs(quickCrashes: number, maxrestartdelay: number): number {
  if (quickCrashes <= 1 || maxrestartdelay <= 0) return 0;
  const seconds = Math.min(2 ** Math.min(quickCrashes - 2, 30), maxrestartdelay);
  return Math.round(seconds * 1000);
}

/** Human text for an exit: `exit status 1` or `killed by SIGSEGV`. */
export function describeExit(exit: ExitInfo): string {
  if (exit.signal !== null) return `killed by ${exit.signal}`;
  return `exit status ${exit.code ?? "unknown"}`;
}

/** Seconds for a description (`1s`, `0.5s`). */
export function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))}s`;
}
