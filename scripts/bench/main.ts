/**
 * `deno task bench`: Taskmaster against supervisord, PM2 and a bare fork/exec loop, same machine,
 * same run, tools alternating within each repetition. Writes docs/benchmarks.md and
 * docs/benchmarks.json. Installs nothing (see install_peers.sh); a missing peer is skipped.
 *
 * Flags: --quick (1 repetition, 5 s idle window, 3 status calls, 10 crashes; ~3 min), --reps N
 * (default 2),
 * --idle S, --tools a,b, --scenarios a,b, --out DIR (default docs), --root DIR (Taskmaster repo).
 */
import { parseArgs } from "node:util";
import { BareDriver, prepareBareLoop } from "./bare_driver.ts";
import type { Driver, Tool } from "./driver.ts";
import { machineFacts } from "./machine.ts";
import { Pm2Driver, pm2Install } from "./pm2_driver.ts";
import { cleanupAll } from "./proc.ts";
import { type BenchResult, renderMarkdown, type RunRecord, summarizeRuns } from "./report.ts";
import { type ScenarioOptions, SCENARIOS } from "./scenarios.ts";
import { SupervisordDriver, supervisordVersion } from "./supervisord_driver.ts";
import { TaskmasterDriver, taskmasterVersion } from "./taskmaster_driver.ts";

const ALL_TOOLS: Tool[] = ["taskmaster", "supervisord", "pm2", "bare"];
/** Where Deno's floor rules a goal out, the report says so, with the design to beat it. */
const DENO_FLOOR_NOTE = "Deno floor (measured with scripts/bench/mem_probe.ts, RSS): an empty " +
  "Deno script has ≈35 MB; importing npm:yaml alone ≈49 MB (it is CommonJS, so it brings up " +
  "the Node compat layer, ≈9 MB; node:* modules cost nothing more once it is up); taskmasterd " +
  "with 0 programs ≈59.6 MB (module graph, event log, control socket); each `sleep` child with " +
  "output `none` then adds ≈28 KB (500 children: ≈73 MB), of which Deno.Command's own cost " +
  "is 6–13 KB (a bare Deno.Command loop) and the rest V8 heap kept after the spawn burst: " +
  "memory does not return while the daemon idles (same figure 1 s and 10 s after RUNNING). " +
  "supervisord's whole daemon is ≈32–35 MB, below Deno's empty runtime, so the goal 'RSS " +
  "at most supervisord's with 500 children' is out of reach for any Deno daemon. The designs " +
  "that would beat it: keep the supervising core (fork/exec, waitpid, pipes to log files) in " +
  "a small native helper and use Deno only for the control API and web page; hand a file-only " +
  "child its log fd straight (no pump, no per-child buffers); parse YAML with the ESM build or " +
  "a small parser (no Node compat layer, −9 MB). A runtime flag also helps without code: " +
  "`--v8-flags=--max-semi-space-size=1` (deno.json task or `deno compile --v8-flags`) gives " +
  "≈67 MB for 500 children at the price of a slower spawn burst (≈2.0 s instead of ≈1.0 s); " +
  "the bench runs the daemon without it.";

/**
 * Memory work of the "be faster than both" issue, with the figures of the run before it
 * (docs/benchmarks.md of commit c0f2a7f, 3 reps), so the table above reads as the "after".
 */
const MEMORY_CHANGES_NOTE = "Memory changes since the previous run (c0f2a7f, medians of 3 reps, " +
  "KiB): nodemailer and the web page are imported on first use (a daemon without `email` / " +
  "`http` never loads them, −5 MB); each program's child environment is built once instead of " +
  "per spawn, and PATH lookups are reused for 1 s instead of throwing a NotFound per PATH " +
  "entry per spawn (that garbage, 58 MB sampled for a 500-process burst, is what had grown " +
  "V8's heap for good: now 19 MB); the first BYOB read of a pump is 1 KiB instead of 4 KiB. " +
  "Before: RSS 73508 (100 children) / 90240 (500), PSS 44834 / 59411, spawn 100 in 236 ms, " +
  "spawn 500 in 1876 ms.";

/** Hard bound on the whole bench, whatever the flags. */
const GLOBAL_LIMIT_MS = 40 * 60_000;

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      quick: { type: "boolean", default: false },
      reps: { type: "string" },
      idle: { type: "string" },
      tools: { type: "string" },
      scenarios: { type: "string" },
      out: { type: "string" },
      root: { type: "string" },
    },
  });
  const quick = values.quick ?? false;
  const reps = Number(values.reps ?? (quick ? 1 : 2)); // 2 reps: the full bench takes ~13 min
  const options: ScenarioOptions = {
    idleSeconds: Number(values.idle ?? (quick ? 5 : 30)),
    statusCalls: quick ? 3 : 5,
    crashes: quick ? 10 : 20,
    captureLines: 12_500_000,
  };
  const root = values.root ?? new URL("../..", import.meta.url).pathname.replace(/\/$/, "");
  const outDir = values.out ?? `${root}/docs`;
  const wanted = (values.tools?.split(",") ?? ALL_TOOLS) as Tool[];
  const scenarios = SCENARIOS.filter((s) =>
    values.scenarios === undefined || values.scenarios.split(",").includes(s.name)
  );
  const work = await Deno.makeTempDir({ prefix: "tm-bench-" });
  const notes: string[] = [];

  const versions: BenchResult["versions"] = {};
  const factories = new Map<Tool, () => Driver>();
  if (wanted.includes("taskmaster")) {
    const v = await taskmasterVersion(root);
    if (v) {
      versions.taskmaster = v;
      factories.set("taskmaster", () => new TaskmasterDriver(root));
    } else notes.push("Taskmaster: `deno run -A main.ts --version` failed, its rows are missing.");
  }
  if (wanted.includes("supervisord")) {
    const v = await supervisordVersion();
    if (v) {
      versions.supervisord = v;
      factories.set("supervisord", () => new SupervisordDriver());
    } else notes.push("supervisord not installed (scripts/bench/install_peers.sh)");
  }
  if (wanted.includes("pm2")) {
    const pm2 = await pm2Install();
    if (pm2) {
      versions.pm2 = pm2.version;
      factories.set("pm2", () => new Pm2Driver(pm2.module));
    } else notes.push("pm2 not installed (scripts/bench/install_peers.sh)");
  }
  if (wanted.includes("bare")) {
    const loop = await prepareBareLoop(work);
    versions.bare = loop.kind === "c" ? "bare_loop.c (cc -O2)" : "bare_loop.ts (Deno; no cc)";
    factories.set("bare", () => new BareDriver(loop));
  }
  const tools = ALL_TOOLS.filter((t) => factories.has(t));
  console.error(`bench: tools ${tools.join(", ")}; ${reps} rep(s); work dir ${work}`);

  const runs: RunRecord[] = [];
  const started = performance.now();
  for (let rep = 1; rep <= reps; rep++) {
    for (const scenario of scenarios) {
      // Rotate the order each repetition so no tool always runs first (warm caches, etc.).
      const order = tools.map((_, i) => tools[(i + rep - 1) % tools.length]!);
      for (const tool of order) {
        if (performance.now() - started > GLOBAL_LIMIT_MS) throw new Error("global time limit");
        const dir = await Deno.makeTempDir({ dir: work, prefix: `${tool}-${scenario.name}-` });
        const driver = factories.get(tool)!();
        const record: RunRecord = { rep, tool, scenario: scenario.name, figures: {} };
        const t0 = performance.now();
        try {
          record.figures = await scenario.run(driver, dir, options);
        } catch (error) {
          record.error = error instanceof Error ? error.message : String(error);
        } finally {
          await driver.close();
        }
        runs.push(record);
        console.error(
          `rep ${rep} ${scenario.name} ${tool} (${
            ((performance.now() - t0) / 1000).toFixed(1)
          } s): ${
            record.error ? `FAILED ${record.error}` : JSON.stringify(roundAll(record.figures))
          }`,
        );
        await Deno.remove(dir, { recursive: true }).catch((e) => console.error(`rm ${dir}: ${e}`));
      }
    }
  }
  notes.push(
    "Start grace 0 everywhere (`starttime: 0`, `startsecs=0`, PM2 `min_uptime` at its schema " +
      "minimum of 100 ms); fastest restarts (`maxrestartdelay: 0`, supervisord default, PM2 " +
      "`restart_delay: 0`); stop signal SIGTERM and stop timeout 1 s for every tool.",
    "Spawn: time from invoking the CLI `start all` (PM2: `pm2 start ecosystem.json`) until the " +
      "tool's own status API (Taskmaster POST /v1/status, supervisord XML-RPC, PM2 list RPC) " +
      "shows every process RUNNING/online; the bare loop reports when it has forked them all.",
    "Crash → respawn: SIGKILL to the child, time until the status API shows a new pid; 150 ms " +
      "pause between crashes. Status: wall time of the CLI as a user types it " +
      "(`taskmasterctl status` via `deno run`, `supervisorctl status`, `pm2 jlist`).",
    "Memory: the daemon process only (Taskmaster's deno process, supervisord, PM2's God daemon), " +
      "RSS from /proc/PID/status and PSS from /proc/PID/smaps_rollup, 1 s after all RUNNING.",
    `Capture: one child runs \`seq 1 ${options.captureLines}\` ` +
      "(~101 MB) into the tool's stdout log file; the whole file is then verified line by line.",
    MEMORY_CHANGES_NOTE,
    DENO_FLOOR_NOTE,
  );
  const result: BenchResult = {
    date: new Date().toISOString(),
    machine: await machineFacts(),
    versions,
    options: { reps, quick, ...options },
    notes,
    runs,
    summary: summarizeRuns(runs.filter((r) => !r.error)),
  };
  await Deno.mkdir(outDir, { recursive: true });
  await Deno.writeTextFile(`${outDir}/benchmarks.json`, JSON.stringify(result, null, 1) + "\n");
  await Deno.writeTextFile(`${outDir}/benchmarks.md`, renderMarkdown(result));
  console.error(`bench: wrote ${outDir}/benchmarks.md and benchmarks.json`);
  await Deno.remove(work, { recursive: true });
  return runs.some((r) => r.error) ? 1 : 0;
}

function roundAll(figures: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(figures).map(([k, v]) => [k, Math.round(v * 100) / 100]),
  );
}

function onInterrupt(signal: Deno.Signal): void {
  console.error(`bench: ${signal}, killing every process it started`);
  cleanupAll();
  Deno.exit(130);
}

if (import.meta.main) {
  Deno.addSignalListener("SIGINT", () => onInterrupt("SIGINT"));
  Deno.addSignalListener("SIGTERM", () => onInterrupt("SIGTERM"));
  let code = 1;
  try {
    code = await main();
  } catch (error) {
    console.error(`bench: ${error instanceof Error ? error.stack : error}`);
  } finally {
    cleanupAll();
  }
  Deno.exit(code);
}
