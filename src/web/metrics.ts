/**
 * `GET /metrics`: the Prometheus text exposition format (version 0.0.4) of the status list and
 * the daemon facts (docs/metrics.md). Pure: a function of its arguments, no clock and no I/O, so
 * tests compare exact text and the handler can time it.
 *
 * Lives in web/ because the :4242 listener is its only consumer and it reads only the wire types
 * the page already serves (`/api/status`, `/api/daemon`); the state list comes from
 * supervisor/states.ts so a new state gets its series without a change here.
 */
import type { DaemonInfo, HealthStatus, ProcessStatus } from "../protocol/types.ts";
import { ALL_STATES } from "../supervisor/states.ts";

/** Content type of the answer (the text format's registered version). */
export const METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/**
 * What the renderer reads of one process. `health` is optional so the renderer works with
 * status objects that carry it and with those that do not (absent and null mean "no check").
 */
export type MetricsProcess =
  & Pick<ProcessStatus, "name" | "program" | "state" | "since" | "restarts">
  & { readonly health?: Pick<HealthStatus, "state"> | null };

/** What the renderer reads of the daemon facts. */
export type MetricsInfo = Pick<
  DaemonInfo,
  "version" | "startedAt" | "logLossBytes" | "alerts" | "reloads"
>;

/** Escapes a label value: backslash, double quote and line feed, as the text format requires. */
export function escapeLabel(value: string): string {
  // Most names need nothing: skip the three replacements for them.
  if (!/[\\"\n]/.test(value)) return value;
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

/** Renders every metric; the text ends with a line feed. */
export function renderMetrics(processes: readonly MetricsProcess[], info: MetricsInfo): string {
  const out: string[] = [];
  // One label set per process, built once and reused by every family.
  const labels = processes.map((p) =>
    `program="${escapeLabel(p.program)}",process="${escapeLabel(p.name)}"`
  );

  family(out, "taskmaster_process_up", "gauge", "1 while the process is RUNNING, else 0.");
  processes.forEach((p, i) => {
    out.push(`taskmaster_process_up{${labels[i]}} ${p.state === "RUNNING" ? 1 : 0}`);
  });

  family(
    out,
    "taskmaster_process_state",
    "gauge",
    "1 for the process's current state, 0 for every other state.",
  );
  processes.forEach((p, i) => {
    for (const state of ALL_STATES) {
      out.push(
        `taskmaster_process_state{${labels[i]},state="${state}"} ${p.state === state ? 1 : 0}`,
      );
    }
  });

  family(
    out,
    "taskmaster_process_restarts_total",
    "counter",
    "Automatic restarts since the last operator start (an operator start resets it).",
  );
  processes.forEach((p, i) => {
    out.push(`taskmaster_process_restarts_total{${labels[i]}} ${p.restarts}`);
  });

  family(
    out,
    "taskmaster_process_start_time_seconds",
    "gauge",
    "Unix time the current process became RUNNING; 0 when it is not RUNNING.",
  );
  processes.forEach((p, i) => {
    const value = p.state === "RUNNING" ? seconds(p.since) : 0;
    out.push(`taskmaster_process_start_time_seconds{${labels[i]}} ${value}`);
  });

  family(
    out,
    "taskmaster_process_healthy",
    "gauge",
    "1 healthy, 0 unhealthy; only for processes with a health check and a known result.",
  );
  processes.forEach((p, i) => {
    const health = p.health?.state;
    // Unknown (not RUNNING, or no check finished yet) is no sample rather than a false 0.
    if (health === "healthy" || health === "unhealthy") {
      out.push(`taskmaster_process_healthy{${labels[i]}} ${health === "healthy" ? 1 : 0}`);
    }
  });

  family(out, "taskmaster_info", "gauge", "Always 1; the label carries the daemon version.");
  out.push(`taskmaster_info{version="${escapeLabel(info.version)}"} 1`);
  family(out, "taskmaster_start_time_seconds", "gauge", "Unix time the daemon started.");
  out.push(`taskmaster_start_time_seconds ${seconds(info.startedAt)}`);
  counter(out, "taskmaster_log_lost_bytes_total", "Child output bytes dropped.", info.logLossBytes);
  counter(out, "taskmaster_alerts_sent_total", "Alert mails sent.", info.alerts.sent);
  counter(out, "taskmaster_alerts_failed_total", "Alert mails that failed.", info.alerts.failed);
  counter(
    out,
    "taskmaster_alerts_dropped_total",
    "Alert mails dropped (send queue full).",
    info.alerts.dropped,
  );
  family(out, "taskmaster_reloads_total", "counter", "Reloads by result (dry runs not counted).");
  out.push(`taskmaster_reloads_total{result="ok"} ${info.reloads.ok}`);
  out.push(`taskmaster_reloads_total{result="failed"} ${info.reloads.failed}`);

  out.push("");
  return out.join("\n");
}

function family(out: string[], name: string, type: "gauge" | "counter", help: string): void {
  out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
}

function counter(out: string[], name: string, help: string, value: number): void {
  family(out, name, "counter", help);
  out.push(`${name} ${value}`);
}

/** ISO-8601 time → Unix seconds with milliseconds; 0 when it does not parse. */
function seconds(iso: string): number {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? ms / 1000 : 0;
}
