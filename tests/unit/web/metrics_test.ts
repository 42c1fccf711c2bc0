/** The `/metrics` renderer (docs/metrics.md): every metric, values, escaping, the text grammar. */
import { assert, assertEquals, assertStringIncludes } from "./assert.ts";
import {
  escapeLabel,
  type MetricsInfo,
  type MetricsProcess,
  renderMetrics,
} from "../../../src/web/metrics.ts";
import { ALL_STATES } from "../../../src/supervisor/states.ts";
import type { HealthStatus, ProcessStatus } from "../../../src/protocol/types.ts";
import { family, parseMetrics, valueOf } from "../../helpers/prometheus.ts";

const INFO: MetricsInfo = {
  version: "1.2.3",
  startedAt: "2024-01-02T03:04:05.678Z",
  logLossBytes: 4096,
  alerts: { sent: 3, failed: 2, dropped: 1 },
  reloads: { ok: 5, failed: 4 },
};

function proc(
  name: string,
  state: MetricsProcess["state"],
  extra: Partial<MetricsProcess> = {},
): MetricsProcess {
  const program = name.split(":")[0]!;
  return { name, program, state, since: "2024-01-02T04:00:00.250Z", restarts: 0, ...extra };
}

const PROCS: MetricsProcess[] = [
  proc("web:0", "RUNNING", { restarts: 7, health: { state: "healthy" } }),
  proc("web:1", "RUNNING", { health: { state: "unhealthy" } }),
  proc("db", "STARTING", { health: { state: "unknown" } }),
  proc("worker", "FATAL", { restarts: 3, health: null }),
  proc("cron", "STOPPED"),
];

Deno.test("status objects with and without a health field are accepted (compile-time)", () => {
  const without: ProcessStatus[] = [];
  const withHealth: (ProcessStatus & { health: HealthStatus | null })[] = [];
  assertEquals(renderMetrics(without, INFO), renderMetrics(withHealth, INFO));
});

Deno.test("every metric is present with HELP and TYPE, and parses", () => {
  const families = parseMetrics(renderMetrics(PROCS, INFO));
  const types = Object.fromEntries(families.map((f) => [f.name, f.type]));
  assertEquals(types, {
    taskmaster_process_up: "GAUGE",
    taskmaster_process_state: "GAUGE",
    taskmaster_process_restarts_total: "COUNTER",
    taskmaster_process_start_time_seconds: "GAUGE",
    taskmaster_process_healthy: "GAUGE",
    taskmaster_info: "GAUGE",
    taskmaster_start_time_seconds: "GAUGE",
    taskmaster_log_lost_bytes_total: "COUNTER",
    taskmaster_alerts_sent_total: "COUNTER",
    taskmaster_alerts_failed_total: "COUNTER",
    taskmaster_alerts_dropped_total: "COUNTER",
    taskmaster_reloads_total: "COUNTER",
  });
  for (const f of families) assert(f.help.length > 0, `${f.name} has help`);
});

Deno.test("per-process values: up, restarts, start time, labels program and process", () => {
  const f = parseMetrics(renderMetrics(PROCS, INFO));
  const up = (process: string) => valueOf(f, "taskmaster_process_up", { process });
  assertEquals(PROCS.map((p) => up(p.name)), [1, 1, 0, 0, 0]);
  assertEquals(family(f, "taskmaster_process_up").metrics[0]!.labels, {
    program: "web",
    process: "web:0",
  });
  assertEquals(valueOf(f, "taskmaster_process_restarts_total", { process: "web:0" }), 7);
  assertEquals(valueOf(f, "taskmaster_process_restarts_total", { process: "worker" }), 3);
  const start = (process: string) =>
    valueOf(f, "taskmaster_process_start_time_seconds", { process });
  assertEquals(start("web:0"), Date.parse("2024-01-02T04:00:00.250Z") / 1000);
  assertEquals(start("db"), 0, "STARTING is not RUNNING yet");
  assertEquals(start("cron"), 0);
});

Deno.test("one state series per known state, 1 only for the current one", () => {
  const f = parseMetrics(renderMetrics(PROCS, INFO));
  const series = family(f, "taskmaster_process_state").metrics;
  assertEquals(series.length, PROCS.length * ALL_STATES.length);
  for (const p of PROCS) {
    for (const state of ALL_STATES) {
      assertEquals(
        valueOf(f, "taskmaster_process_state", { process: p.name, state }),
        p.state === state ? 1 : 0,
        `${p.name} ${state}`,
      );
    }
  }
});

Deno.test("healthy: only with a check and a known result; unknown and no check give no sample", () => {
  const f = parseMetrics(renderMetrics(PROCS, INFO));
  const healthy = family(f, "taskmaster_process_healthy").metrics;
  assertEquals(healthy.map((m) => [m.labels?.process, m.value]), [["web:0", "1"], ["web:1", "0"]]);
  // No process with a check: the family is still announced, with no samples.
  const none = parseMetrics(renderMetrics([proc("a", "RUNNING")], INFO));
  assertEquals(family(none, "taskmaster_process_healthy").metrics, []);
});

Deno.test("daemon-level values", () => {
  const f = parseMetrics(renderMetrics(PROCS, INFO));
  assertEquals(valueOf(f, "taskmaster_info", { version: "1.2.3" }), 1);
  assertEquals(
    valueOf(f, "taskmaster_start_time_seconds"),
    Date.parse("2024-01-02T03:04:05.678Z") / 1000,
  );
  assertEquals(valueOf(f, "taskmaster_log_lost_bytes_total"), 4096);
  assertEquals(valueOf(f, "taskmaster_alerts_sent_total"), 3);
  assertEquals(valueOf(f, "taskmaster_alerts_failed_total"), 2);
  assertEquals(valueOf(f, "taskmaster_alerts_dropped_total"), 1);
  assertEquals(valueOf(f, "taskmaster_reloads_total", { result: "ok" }), 5);
  assertEquals(valueOf(f, "taskmaster_reloads_total", { result: "failed" }), 4);
});

Deno.test("hostile label values are escaped and read back unchanged", () => {
  const hostile = 'we"b\\x\ny} 1\n# TYPE evil gauge\nevil 1';
  const version = '9"\\\n}';
  const text = renderMetrics(
    [{ ...proc("x", "RUNNING"), name: hostile, program: "a\\b" }],
    { ...INFO, version },
  );
  const f = parseMetrics(text);
  assertEquals(valueOf(f, "taskmaster_process_up", { process: hostile, program: "a\\b" }), 1);
  assertEquals(valueOf(f, "taskmaster_info", { version }), 1);
  assert(!f.some((x) => x.name === "evil"), "no injected family");
  assertStringIncludes(text, 'process="we\\"b\\\\x\\ny} 1\\n# TYPE evil gauge\\nevil 1"');
});

Deno.test("escapeLabel: the three escapes, nothing else touched", () => {
  assertEquals(escapeLabel("plain:0 ü\t"), "plain:0 ü\t");
  assertEquals(escapeLabel('\\"\n'), '\\\\\\"\\n');
});

Deno.test("no processes: daemon metrics only, still valid", () => {
  const text = renderMetrics([], INFO);
  const f = parseMetrics(text);
  assertEquals(family(f, "taskmaster_process_up").metrics, []);
  assertEquals(valueOf(f, "taskmaster_alerts_sent_total"), 3);
  assert(text.endsWith(`taskmaster_reloads_total{result="failed"} 4\n`));
});

Deno.test("500 processes render fast (printed, not asserted)", () => {
  const many = Array.from(
    { length: 500 },
    (_, i) =>
      proc(`p${i % 50}:${i}`, ALL_STATES[i % ALL_STATES.length]!, {
        restarts: i,
        health: { state: "healthy" },
      }),
  );
  for (let i = 0; i < 20; i++) renderMetrics(many, INFO); // warm up
  const times: number[] = [];
  for (let i = 0; i < 100; i++) {
    const began = performance.now();
    renderMetrics(many, INFO);
    times.push(performance.now() - began);
  }
  times.sort((a, b) => a - b);
  const [median, p99] = [times[49]!, times[98]!];
  console.log(
    `render 500 processes: median ${median.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms ` +
      `(${p99 < 10 ? "met" : "MISSED"} 10 ms)`,
  );
  assertEquals(parseMetrics(renderMetrics(many, INFO)).length, 12);
});
