/**
 * One probe of any kind (docs/checks.md): dispatches a placeholder-resolved target to its
 * runner. `log` is not a probe (see config/log_pattern.ts) and always fails here.
 */
import type { CheckTarget } from "../config/types.ts";
import { runExec } from "./exec.ts";
import { runHttp } from "./http.ts";
import { runTcp } from "./tcp.ts";
import type { ProbeContext, ProbeResult } from "./types.ts";

/**
 * Runs one check of `target` (placeholders already resolved) bounded by `timeoutMs`. Never
 * rejects and always settles by the timeout (or at once when `ctx.signal` aborts).
 */
export function runProbe(
  target: CheckTarget,
  timeoutMs: number,
  ctx: ProbeContext,
): Promise<ProbeResult> {
  switch (target.kind) {
    case "tcp":
      return runTcp(target, timeoutMs, ctx);
    case "http":
      return runHttp(target, timeoutMs, ctx);
    case "exec":
      return runExec(target, timeoutMs, ctx);
    case "log":
      return Promise.resolve({ ok: false, message: "log checks are matched, not probed" });
  }
  return Promise.resolve({ ok: false, message: "unknown check kind" });
}
