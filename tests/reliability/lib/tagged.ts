/**
 * Descendant tracking by canary (docs/reliability.md, helpers): every test child gets a
 * unique environment variable, which all its descendants inherit — including ones that called
 * setsid and escaped their session — so `/proc/*\/environ` finds them while they live.
 */
import { killTree } from "../../helpers/wait_for.ts";
import { type ProcStat, procStat } from "./proc.ts";

/** A fresh canary value for one test (the variable name is `TM_CANARY`). */
export function newCanary(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Live (non-zombie) processes whose environment holds `TM_CANARY=<canary>`, with their env. */
export function tagged(canary: string): (ProcStat & { env: Map<string, string> })[] {
  const needle = `TM_CANARY=${canary}`;
  const out: (ProcStat & { env: Map<string, string> })[] = [];
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    let environ: string;
    try {
      environ = Deno.readTextFileSync(`/proc/${entry.name}/environ`);
    } catch (_e) {
      continue; // gone between listing and reading
    }
    const vars = environ.split("\0");
    if (!vars.includes(needle)) continue;
    const stat = procStat(Number(entry.name));
    if (!stat || stat.state === "Z") continue;
    const env = new Map<string, string>();
    for (const v of vars) {
      const at = v.indexOf("=");
      if (at > 0) env.set(v.slice(0, at), v.slice(at + 1));
    }
    out.push({ ...stat, env });
  }
  return out;
}

/** Number of distinct sessions per TASKMASTER_PROCESS_NAME among the canary's live processes. */
export function sessionsByProcess(canary: string): Map<string, Set<number>> {
  const out = new Map<string, Set<number>>();
  for (const p of tagged(canary)) {
    const name = p.env.get("TASKMASTER_PROCESS_NAME") ?? "?";
    const set = out.get(name) ?? new Set<number>();
    set.add(p.sid);
    out.set(name, set);
  }
  return out;
}

/** SIGKILLs every live process carrying the canary (by pid and group); returns how many. */
export function killTagged(canary: string): number {
  const procs = tagged(canary);
  for (const p of procs) killTree(p.pid);
  return procs.length;
}
