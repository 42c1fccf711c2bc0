/**
 * Floor of `stop all` for children that ignore SIGTERM, without the daemon: a bare Deno program
 * starts N shells in their own sessions (`trap '' TERM; while :; do sleep 1; done`, as setsid(1)
 * makes the daemon's children), sends each group SIGTERM, arms one 1 s timer per child that
 * SIGKILLs its group, and prints how late the timers fired and how long each SIGKILL took to show
 * as the child's exit status. The daemon's own figures (events `stopping` → `killed` → `stopped`)
 * are compared with these.
 *
 *   deno run -A scripts/bench/kill_lag_floor.ts [--children 100] [--reps 3]
 */
import { parseArgs } from "node:util";

const args = parseArgs({
  args: Deno.args,
  options: { children: { type: "string", default: "100" }, reps: { type: "string", default: "3" } },
});
const count = Number(args.values.children);

function quantile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(p * (sorted.length - 1))] ?? NaN;
}

function signalGroup(pid: number, signal: Deno.Signal): void {
  try {
    Deno.kill(-pid, signal);
  } catch { /* already gone */ }
}

async function rep(): Promise<string> {
  const children: Deno.ChildProcess[] = [];
  for (let i = 0; i < count; i++) {
    children.push(
      new Deno.Command("setsid", {
        args: ["sh", "-c", "trap '' TERM; while :; do sleep 1; done"],
        stdin: "null",
        stdout: "null",
        stderr: "null",
      }).spawn(),
    );
  }
  await new Promise((resolve) => setTimeout(resolve, 1000)); // every shell has reached its trap
  const timerLag: number[] = [];
  const exitLag: number[] = [];
  const t0 = performance.now();
  await Promise.all(children.map((child) =>
    new Promise<void>((resolve) => {
      signalGroup(child.pid, "SIGTERM");
      const due = performance.now() + 1000;
      setTimeout(() => {
        const fired = performance.now();
        timerLag.push(fired - due);
        signalGroup(child.pid, "SIGKILL");
        child.status.then(() => {
          exitLag.push(performance.now() - fired);
          resolve();
        });
      }, 1000);
    })
  ));
  const total = performance.now() - t0;
  const f = (n: number) => n.toFixed(0);
  return `children=${count} all stopped after ${f(total)} ms; timer lag median ` +
    `${f(quantile(timerLag, 0.5))} max ${f(quantile(timerLag, 1))} ms; SIGKILL → exit status ` +
    `median ${f(quantile(exitLag, 0.5))} max ${f(quantile(exitLag, 1))} ms`;
}

for (let i = 0; i < Number(args.values.reps); i++) console.log(await rep());
