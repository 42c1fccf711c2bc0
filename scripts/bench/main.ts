/**
 * `deno task bench`: Taskmaster against supervisord, PM2 and a bare fork/exec loop, same machine,
 * same run, tools alternating within each repetition. Writes docs/benchmarks.md and
 * docs/benchmarks.json. Installs nothing (see install_peers.sh); a missing peer is skipped.
 *
 * Flags: --quick (1 repetition, 5 s idle window, 10 s probe window, 3 status calls, 10 crashes),
 * --reps N (default 2), --idle S, --tools a,b, --scenarios a,b (one or a few scenarios alone:
 * spawn100, spawn500, crash, capture, stopterm, empty, spawn100logged, spawn500logged,
 * crashlogged, probeload), --out DIR (default docs), --print (the Markdown to stdout, no file
 * written: for partial runs), --root DIR (Taskmaster repo).
 */
import { parseArgs } from "node:util";
import { BareDriver, prepareBareLoop } from "./bare_driver.ts";
import type { Driver, Tool } from "./driver.ts";
import { machineFacts } from "./machine.ts";
import { Pm2Driver, pm2Install } from "./pm2_driver.ts";
import { cleanupAll } from "./proc.ts";
import { benchNotes } from "./notes.ts";
import { type BenchResult, renderMarkdown, type RunRecord, summarizeRuns } from "./report.ts";
import { type ScenarioOptions, SCENARIOS } from "./scenarios.ts";
import { SupervisordDriver, supervisordVersion } from "./supervisord_driver.ts";
import { TaskmasterDriver, taskmasterVersion } from "./taskmaster_driver.ts";

const ALL_TOOLS: Tool[] = ["taskmaster", "supervisord", "pm2", "bare"];
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
      print: { type: "boolean", default: false },
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
    probeSeconds: quick ? 10 : 20,
  };
  const root = values.root ?? new URL("../..", import.meta.url).pathname.replace(/\/$/, "");
  const outDir = values.out ?? `${root}/docs`;
  const wanted = (values.tools?.split(",") ?? ALL_TOOLS) as Tool[];
  const scenarios = SCENARIOS.filter((s) =>
    values.scenarios === undefined || values.scenarios.split(",").includes(s.name)
  );
  const unknown = values.scenarios?.split(",").filter((n) => !SCENARIOS.some((s) => s.name === n));
  if (unknown?.length) throw new Error(`unknown scenario(s): ${unknown.join(", ")}`);
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
      for (const tool of order.filter((t) => scenario.tools?.includes(t) ?? true)) {
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
  notes.push(...benchNotes(options));
  const result: BenchResult = {
    date: new Date().toISOString(),
    machine: await machineFacts(),
    versions,
    options: { reps, quick, ...options },
    notes,
    runs,
    summary: summarizeRuns(runs.filter((r) => !r.error)),
  };
  if (values.print) {
    console.log(renderMarkdown(result));
  } else {
    await Deno.mkdir(outDir, { recursive: true });
    await Deno.writeTextFile(`${outDir}/benchmarks.json`, JSON.stringify(result, null, 1) + "\n");
    await Deno.writeTextFile(`${outDir}/benchmarks.md`, renderMarkdown(result));
    console.error(`bench: wrote ${outDir}/benchmarks.md and benchmarks.json`);
  }
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
