/**
 * The exec probe: runs the check's argv as the program would run (uid/gid, umask, workingdir,
 * environment; see spawner.ts) in its own process group, output discarded; exit 0 passes. The
 * whole group is SIGKILLed when the check ends, whichever way, so a grandchild left sleeping
 * (`sh -c "sleep 100 &"`) or a check past its timeout leaves nothing behind.
 */
import type { CheckTarget, ProgramSpec } from "../config/types.ts";
import type { ChildHandle } from "../process/spawner.ts";
import { bounded, errorText } from "./bounded.ts";
import type { ExecIdentity, ProbeContext, ProbeResult } from "./types.ts";

/**
 * The program spec with `argv` swapped for the check's, reused per (spec, argv) so the
 * spawner's per-spec environment cache keeps working across checks.
 */
const derived = new WeakMap<ProgramSpec, Map<string, ProgramSpec>>();

function checkSpec(identity: ExecIdentity, argv: readonly string[]): ProgramSpec {
  let byArgv = derived.get(identity.spec);
  if (byArgv === undefined) derived.set(identity.spec, byArgv = new Map());
  const key = argv.join("\0");
  let spec = byArgv.get(key);
  if (spec === undefined) {
    spec = Object.freeze({ ...identity.spec, argv: [...argv] });
    // One entry per distinct argv (at most numprocs of them): bounded, but stay safe.
    if (byArgv.size >= 64) byArgv.clear();
    byArgv.set(key, spec);
  }
  return spec;
}

/** Runs the (placeholder-resolved) command within `timeoutMs`. Never rejects. */
export function runExec(
  target: Extract<CheckTarget, { kind: "exec" }>,
  timeoutMs: number,
  ctx: ProbeContext,
): Promise<ProbeResult> {
  const identity = ctx.exec;
  if (identity === null) {
    return Promise.resolve({ ok: false, message: "exec check without a program" });
  }
  return bounded(ctx.clock, timeoutMs, ctx.signal, async (signal) => {
    let child: ChildHandle;
    try {
      child = ctx.os.spawner.spawn({
        spec: checkSpec(identity, target.argv),
        processName: identity.processName,
        index: identity.index,
        stdout: "null",
        stderr: "null",
        secretEnv: identity.secretEnv,
      });
    } catch (error) {
      return { ok: false, message: errorText(error) };
    }
    // Nothing is ever written: EOF on stdin right away, so a check reading it does not hang.
    child.stdin?.close().catch(() => {});
    const killGroup = () => ctx.os.spawner.signalGroup(child.pid, "SIGKILL");
    signal.addEventListener("abort", killGroup, { once: true });
    const exit = await child.exited;
    signal.removeEventListener("abort", killGroup);
    // The leader is gone; whatever it forked into its group goes too (after an abort the
    // group already got its SIGKILL).
    if (!signal.aborted) killGroup();
    if (exit.code === 0) return { ok: true, message: "exit status 0" };
    if (exit.code !== null) return { ok: false, message: `exit status ${exit.code}` };
    return { ok: false, message: `killed by ${exit.signal ?? "a signal"}` };
  });
}
