/**
 * Focused probe of taskmasterd's spawn, respawn and stop paths (docs/benchmarks.md), for
 * before/after comparisons of two repo trees: each round runs every root once, alternating.
 *
 *   deno run -A scripts/bench/spawn_probe.ts --roots /work/main,. --rounds 5 \
 *     --case start|crash|stop [--n N] [--stdout file|none] [--shape numprocs] [--poll no] \
 *     [--events yes] [--crashes 20] [--prof DIR [--interval US]]
 *
 * - start: N (500) programs of one `sleep` each, `stdout` into its own file (or `none`), stderr
 *   none, no rotation, autostart off; then `POST /v1/start {names:["all"]}` and ms until
 *   back-to-back `POST /v1/status` shows N RUNNING (like the bench), plus the daemon's CPU ms
 *   over that time (less load-sensitive). `--shape numprocs`: one program of N processes.
 * - crash: one sleeper, SIGKILL it, ms until status shows a new RUNNING pid (median of 20);
 *   `--events yes` adds kill → `exited` and `exited` → `spawned` from the daemon's event times.
 * - stop: N (100) children ignoring SIGTERM, stoptime 1; ms until `POST /v1/stop all` replied
 *   and every child pid is gone; `--events yes` adds the stopping/killed/stopped event spreads.
 * `--prof DIR` runs the daemon with `--cpu-prof` into DIR (written at shutdown).
 */
import { stringify } from "yaml";
import { spawnDaemon } from "./driver.ts";
import { killGroupAndPid, sleep, waitGone } from "./proc.ts";
import { median, pollUntil } from "./stats.ts";
import { UnixHttp } from "./unix_http.ts";

const args: Record<string, string> = { roots: ".", case: "start", rounds: "3", stdout: "file" };
args.crashes = "20";
for (let i = 0; i < Deno.args.length; i += 2) {
  args[Deno.args[i]!.replace(/^--/, "")] = Deno.args[i + 1] ?? "";
}
const kase = args.case as string;
const n = Number(args.n ?? (kase === "stop" ? 100 : kase === "crash" ? 1 : 500));
const roots = (args.roots as string).split(",").map((r) => Deno.realPathSync(r));

interface Daemon {
  child: Deno.ChildProcess;
  api: UnixHttp;
  dir: string;
}

async function launch(root: string, programs: Record<string, unknown>): Promise<Daemon> {
  const dir = await Deno.makeTempDir({ prefix: "tm-probe-" });
  const socket = `${dir}/tm.sock`;
  const file = `${dir}/taskmaster.yaml`;
  await Deno.writeTextFile(
    file,
    stringify({ taskmaster: { socket, http: false }, programs }),
  );
  const flags = args.prof ? ["--cpu-prof", `--cpu-prof-dir=${args.prof}`] : [];
  if (args.prof && args.interval) flags.push(`--cpu-prof-interval=${args.interval}`);
  const child = spawnDaemon(
    [Deno.execPath(), "run", "-A", ...flags, `${root}/main.ts`, "-c", file],
    `${dir}/console.log`,
  );
  const api = new UnixHttp(socket);
  await pollUntil("socket", async () => (await post(api, "status", {}), true), 30_000, 20);
  return { child, api, dir };
}

async function post(api: UnixHttp, command: string, body: unknown): Promise<unknown> {
  const reply = JSON.parse(
    await api.post(`/v1/${command}`, JSON.stringify(body), "application/json"),
  );
  if (!reply.ok) throw new Error(`${command}: ${JSON.stringify(reply.error)}`);
  return reply.result;
}

async function running(api: UnixHttp): Promise<number[]> {
  const result = await post(api, "status", {}) as { state: string; pid: number | null }[];
  return result.filter((e) => e.state === "RUNNING" && e.pid !== null).map((e) => e.pid!);
}

async function close(d: Daemon): Promise<void> {
  try {
    await post(d.api, "shutdown", {});
  } catch { /* already going */ }
  const timer = setTimeout(() => killGroupAndPid(d.child.pid), 20_000);
  await d.child.status;
  clearTimeout(timer);
  d.api.close();
  await Deno.remove(d.dir, { recursive: true }).catch(() => {});
}

/** User + system CPU of `pid` so far, in ms (less load-sensitive than wall time). */
function cpuMs(pid: number): number {
  const fields = Deno.readTextFileSync(`/proc/${pid}/stat`).split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10; // utime, stime in ticks of 10 ms
}

function program(cmd: string[], stdout: string, autorestart: boolean): Record<string, unknown> {
  return {
    cmd,
    numprocs: 1,
    autostart: false,
    autorestart,
    starttime: 0,
    maxrestartdelay: 0,
    stopsignal: "TERM",
    stoptime: 1,
    stdout,
    stderr: "none",
    logmaxbytes: 0,
  };
}

async function caseStart(root: string): Promise<Record<string, number>> {
  const dir = await Deno.makeTempDir({ prefix: "tm-logs-" });
  const programs: Record<string, unknown> = {};
  if (args.shape === "numprocs") {
    const out = args.stdout === "none" ? "none" : `${dir}/all.log`;
    programs.sleeper = { ...program(["/bin/sleep", "3600"], out, true), numprocs: n };
  } else {
    for (let i = 0; i < n; i++) {
      const out = args.stdout === "none" ? "none" : `${dir}/p${i}.log`;
      programs[`p${i}`] = program(["/bin/sleep", "3600"], out, true);
    }
  }
  const d = await launch(root, programs);
  try {
    const cpu0 = cpuMs(d.child.pid);
    const t0 = performance.now();
    let replied = 0;
    const start = post(d.api, "start", { names: ["all"] }).then(() => {
      replied = performance.now() - t0;
    });
    if (args.poll === "no") await start; // --poll no: wait for the reply alone, then check
    await pollUntil("running", async () => (await running(d.api)).length >= n || null, 120_000, 0);
    const ms = performance.now() - t0;
    await start;
    return { start_ms: ms, reply_ms: replied, daemon_cpu_ms: cpuMs(d.child.pid) - cpu0 };
  } finally {
    await close(d);
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

async function caseCrash(root: string): Promise<Record<string, number>> {
  const d = await launch(root, { sleeper: program(["/bin/sleep", "3600"], "none", true) });
  try {
    await post(d.api, "start", { names: ["all"] });
    let pids = await running(d.api);
    const samples: number[] = [];
    const kills: number[] = [];
    for (let i = 0; i < Number(args.crashes); i++) {
      const old = pids[0]!;
      const t0 = performance.now();
      kills.push(Date.now());
      Deno.kill(old, "SIGKILL");
      pids = await pollUntil(
        "respawn",
        async () => {
          const now = await running(d.api);
          return now.length === 1 && now[0] !== old ? now : null;
        },
        30_000,
        0,
      );
      samples.push(performance.now() - t0);
      await sleep(150);
    }
    const phases: Record<string, number> = {};
    if (args.events === "yes") {
      // Inside the daemon (event times, ms resolution): kill → `exited` event, `exited` → `spawned`.
      const log = await post(d.api, "log", { lines: 1000 }) as { event: string; time: string }[];
      const times = (kind: string) =>
        log.filter((e) => e.event === kind).map((e) => Date.parse(e.time)).slice(-kills.length);
      const exited = times("exited");
      const spawned = times("spawned").slice(-kills.length);
      phases.kill_to_exited_ms = median(exited.map((t, i) => t - kills[i]!));
      phases.exited_to_spawned_ms = median(spawned.map((t, i) => t - exited[i]!));
    }
    return {
      ...phases,
      respawn_ms: median(samples),
      respawn_min: Math.min(...samples),
      respawn_max: Math.max(...samples),
    };
  } finally {
    await close(d);
  }
}

let round0 = true;

async function caseStop(root: string): Promise<Record<string, number>> {
  const programs: Record<string, unknown> = {};
  const cmd = ["/bin/sh", "-c", "trap '' TERM INT; exec /bin/sleep 3600"];
  for (let i = 0; i < n; i++) programs[`t${i}`] = program(cmd, "none", true);
  const d = await launch(root, programs);
  try {
    await post(d.api, "start", { names: ["all"] });
    const pids = await running(d.api);
    await sleep(300);
    const t0 = performance.now();
    const wall0 = Date.now();
    await post(d.api, "stop", { names: ["all"] });
    const reply = performance.now() - t0;
    if (!await waitGone(pids, 30_000)) throw new Error("children still alive");
    const figures: Record<string, number> = { stop_ms: performance.now() - t0, reply_ms: reply };
    if (args.events === "yes") {
      // Phases from the daemon's own event times (--events yes): when the last TERM went out,
      // the spread of the SIGKILLs and of the exits, in ms since the request was sent.
      const log = await post(d.api, "log", { lines: 1000 }) as Record<string, unknown>[];
      const at = (e: Record<string, unknown>) => Date.parse(String(e.time ?? e.ts ?? e.at));
      const kinds = new Map<string, number[]>();
      for (const e of log) kinds.set(String(e.event), [...kinds.get(String(e.event)) ?? [], at(e)]);
      const base = wall0;
      for (const [kind, times] of kinds) {
        if (!["stopping", "killed", "stopped"].includes(kind)) continue;
        figures[`${kind}_first`] = Math.min(...times) - base;
        figures[`${kind}_last`] = Math.max(...times) - base;
      }
      if (round0) console.log(JSON.stringify(log.slice(-3)));
      round0 = false;
    }
    return figures;
  } finally {
    await close(d);
  }
}

const cases: Record<string, (root: string) => Promise<Record<string, number>>> = {
  start: caseStart,
  crash: caseCrash,
  stop: caseStop,
};
const results = new Map<string, Record<string, number>[]>();
for (let round = 0; round < Number(args.rounds); round++) {
  for (const root of round % 2 === 0 ? roots : [...roots].reverse()) {
    const figures = await cases[kase]!(root);
    console.log(JSON.stringify({ round, root, ...figures }));
    results.set(root, [...results.get(root) ?? [], figures]);
  }
}
for (const [root, runs] of results) {
  const keys = Object.keys(runs[0]!);
  const line = keys.map((k) => {
    const v = runs.map((r) => r[k]!);
    return `${k} ${median(v).toFixed(1)} (${Math.min(...v).toFixed(1)}–${
      Math.max(...v).toFixed(1)
    })`;
  });
  console.log(`${root}: ${line.join(", ")}`);
}
console.log(`load: ${Deno.loadavg().map((x) => x.toFixed(2)).join(" ")}`);
