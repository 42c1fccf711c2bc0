/** Turns the raw runs into docs/benchmarks.md (Markdown tables with ratios) and JSON. */
import type { Tool } from "./driver.ts";
import type { Figures } from "./scenarios.ts";
import { summarize, type Summary } from "./stats.ts";

/** One scenario run of one tool. */
export interface RunRecord {
  rep: number;
  tool: Tool;
  scenario: string;
  figures: Figures;
  error?: string;
}

/** Everything a report needs. */
export interface BenchResult {
  date: string;
  machine: Record<string, string>;
  versions: Partial<Record<Tool, string>>;
  options: Record<string, unknown>;
  notes: string[];
  runs: RunRecord[];
  summary: Record<string, Partial<Record<Tool, Summary>>>;
}

const LABELS: Record<string, string> = {
  spawn_100_ms: "spawn 100 `sleep` until all RUNNING (ms)",
  spawn_500_ms: "spawn 500 `sleep` until all RUNNING (ms)",
  spawn_100_logged_ms: "spawn 100 logged `sleep` (own stdout file each) until all RUNNING (ms)",
  spawn_500_logged_ms: "spawn 500 logged `sleep` (own stdout file each) until all RUNNING (ms)",
  rss_100_kib: "daemon RSS with 100 children (KiB)",
  pss_100_kib: "daemon PSS with 100 children (KiB)",
  rss_500_kib: "daemon RSS with 500 children (KiB)",
  pss_500_kib: "daemon PSS with 500 children (KiB)",
  rss_500_logged_kib: "daemon RSS with 500 logged children (KiB)",
  pss_500_logged_kib: "daemon PSS with 500 logged children (KiB)",
  rss_0_kib: "daemon RSS with 0 programs (KiB)",
  pss_0_kib: "daemon PSS with 0 programs (KiB)",
  per_child_kib: "daemon RSS per child, output `none`: (500 − 0 programs) ÷ 500 (KiB)",
  per_logged_child_kib: "daemon RSS per logged child: (500 logged − 0 programs) ÷ 500 (KiB)",
  idle_cpu_100_pct: "daemon idle CPU with 100 children (% of one core)",
  probe_cpu_500_pct: "daemon CPU, 500 tcp health checks at a 1 s period (% of one core)",
  probe_checks_per_s: "tcp checks seen by the listener (per s)",
  respawn_ms: "crash → respawn latency, median of the crashes (ms)",
  respawn_max_ms: "crash → respawn latency, worst crash (ms)",
  respawn_logged_ms: "crash → respawn latency, logged program, median of the crashes (ms)",
  respawn_logged_max_ms: "crash → respawn latency, logged program, worst crash (ms)",
  status_500_ms: "`status` through the CLI with 500 processes (ms)",
  status_500_config_ms: "`taskmasterctl -c CONFIG status`, 500 processes, cold (ms)",
  status_500_socket_json_ms: "`taskmasterctl -s SOCKET status --json`, 500 processes, cold (ms)",
  deno_floor_ms: "empty `deno run`, the floor of the two rows above (ms)",
  capture_ms: "stdout capture of ~100 MB until all in the log file (ms)",
  capture_mb_per_s: "stdout capture throughput (MB/s, higher is better)",
  capture_lost: "captured lines lost",
  capture_dup_or_reordered: "captured lines duplicated or reordered",
  capture_extra_bytes: "bytes in the log that are not the child's lines",
  stop_100_ms: "`stop all` with 100 children (ms)",
  stop_100_ignoring_term_ms: "`stop all`, 100 children ignoring SIGTERM, stop timeout 1 s (ms)",
};

/** Rows computed from two figures of the same repetition and tool: metric → [minuend, base]. */
const PER_CHILD: Record<string, [string, string]> = {
  per_child_kib: ["rss_500_kib", "rss_0_kib"],
  per_logged_child_kib: ["rss_500_logged_kib", "rss_0_kib"],
};

/**
 * One record per repetition and tool holding the per-child memory rows, (RSS with 500 − RSS
 * with 0 programs) ÷ 500, wherever both figures of that repetition exist.
 */
function derivedRuns(runs: RunRecord[]): RunRecord[] {
  const merged = new Map<string, RunRecord>();
  for (const run of runs) {
    const key = `${run.rep}/${run.tool}`;
    const into = merged.get(key) ??
      { rep: run.rep, tool: run.tool, scenario: "derived", figures: {} };
    Object.assign(into.figures, run.figures);
    merged.set(key, into);
  }
  const derived: RunRecord[] = [];
  for (const { rep, tool, figures } of merged.values()) {
    const out: Figures = {};
    for (const [metric, [top, base]] of Object.entries(PER_CHILD)) {
      const a = figures[top];
      const b = figures[base];
      if (a !== undefined && b !== undefined) out[metric] = (a - b) / 500;
    }
    if (Object.keys(out).length > 0) derived.push({ rep, tool, scenario: "derived", figures: out });
  }
  return derived;
}

/**
 * Medians, minima and maxima per metric and tool over the successful runs, with the per-child
 * rows derived from them.
 */
export function summarizeRuns(runs: RunRecord[]): BenchResult["summary"] {
  const samples: Record<string, Partial<Record<Tool, number[]>>> = {};
  for (const run of [...runs, ...derivedRuns(runs)]) {
    for (const [metric, value] of Object.entries(run.figures)) {
      const byTool = samples[metric] ??= {};
      (byTool[run.tool] ??= []).push(value);
    }
  }
  const summary: BenchResult["summary"] = {};
  for (const [metric, byTool] of Object.entries(samples)) {
    summary[metric] = Object.fromEntries(
      Object.entries(byTool).map(([tool, values]) => [tool, summarize(values)]),
    );
  }
  return summary;
}

function fmt(value: number): string {
  if (!Number.isFinite(value)) return "n/a";
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

function cell(s: Summary | undefined): string {
  if (!s) return "n/a";
  return s.samples.length > 1 ? `${fmt(s.median)} (${fmt(s.min)}–${fmt(s.max)})` : fmt(s.median);
}

function ratio(tm: Summary | undefined, peer: Summary | undefined, higherBetter: boolean): string {
  if (!tm || !peer || !Number.isFinite(tm.median) || !Number.isFinite(peer.median)) return "n/a";
  if (peer.median === 0) return tm.median === 0 ? "=" : "∞";
  const r = tm.median / peer.median;
  const better = higherBetter ? r >= 1 : r <= 1;
  return `${r.toFixed(2)}×${better ? "" : " ✗"}`;
}

/** The Markdown page: context, one table of medians (min–max) and Taskmaster's ratios. */
export function renderMarkdown(result: BenchResult): string {
  const tools: Tool[] = ["taskmaster", "supervisord", "pm2", "bare"];
  const lines = [
    "# Benchmarks",
    "",
    `Generated by \`deno task bench\` (scripts/bench/) on ${result.date}. Do not edit by hand.`,
    "",
    "## Machine and versions",
    "",
    ...Object.entries(result.machine).map(([k, v]) => `- ${k}: ${v}`),
    ...tools.map((t) => `- ${t}: ${result.versions[t] ?? "not available"}`),
    `- options: \`${JSON.stringify(result.options)}\``,
    "",
    "## Results",
    "",
    "Each cell: median (min–max) over the repetitions; tools alternate within each repetition.",
    "Ratio = Taskmaster ÷ peer on the median; below 1× is better for Taskmaster (except",
    "throughput, where above 1× is better); ✗ marks a row Taskmaster loses. n/a: the row does",
    "not apply to that tool (no status CLI in the bare loop, no health checks in supervisord or",
    "PM2).",
    "",
    "| metric | taskmaster | supervisord | pm2 | bare loop | ÷ supervisord | ÷ pm2 | ÷ bare |",
    "| --- | --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const [metric, label] of Object.entries(LABELS)) {
    const s = result.summary[metric];
    if (!s) continue;
    const hb = metric.endsWith("per_s");
    lines.push(
      `| ${label} | ${tools.map((t) => cell(s[t])).join(" | ")} | ${
        ratio(s.taskmaster, s.supervisord, hb)
      } | ${ratio(s.taskmaster, s.pm2, hb)} | ${ratio(s.taskmaster, s.bare, hb)} |`,
    );
  }
  const failures = result.runs.filter((r) => r.error);
  lines.push("", "## Notes", "", ...result.notes.map((n) => `- ${n}`));
  if (failures.length > 0) {
    lines.push("", "## Failed runs", "");
    for (const f of failures) lines.push(`- rep ${f.rep} ${f.tool} ${f.scenario}: ${f.error}`);
  }
  return lines.join("\n") + "\n";
}
