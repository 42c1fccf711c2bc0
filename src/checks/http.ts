/**
 * The http probe: one GET without following redirects; passes when the status is in the
 * check's `status` list, or (no list) anywhere in 200–399. The body is never read.
 */
import type { CheckTarget } from "../config/types.ts";
import { bounded } from "./bounded.ts";
import type { ProbeContext, ProbeResult } from "./types.ts";

/** True when `status` passes a check whose accepted list is `accepted` (null: 200–399). */
export function statusPasses(status: number, accepted: readonly number[] | null): boolean {
  return accepted === null ? status >= 200 && status <= 399 : accepted.includes(status);
}

/** GETs the (placeholder-resolved) url within `timeoutMs`. Never rejects. */
export function runHttp(
  target: Extract<CheckTarget, { kind: "http" }>,
  timeoutMs: number,
  ctx: ProbeContext,
): Promise<ProbeResult> {
  return bounded(ctx.clock, timeoutMs, ctx.signal, async (signal) => {
    const status = await ctx.os.httpGet(target.url, { tlsverify: target.tlsverify, signal });
    return { ok: statusPasses(status, target.status), message: `HTTP ${status}` };
  });
}
