/**
 * Human output of taskmasterctl: the status table, action results, reload plans and daemon
 * facts. Colors are applied only when the caller says the output is a terminal without NO_COLOR.
 */
import type {
  ActionResult,
  DaemonInfo,
  DepsInfo,
  ProcessStatus,
  ProcState,
  ReloadResult,
} from "../src/protocol/types.ts";

/** A color function set; identity functions when colors are off. */
export interface Paint {
  green(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  dim(text: string): string;
}

/** Colors for a terminal, or plain text. */
export function makePaint(enabled: boolean): Paint {
  const wrap = (code: number) => (text: string) => enabled ? `\x1b[${code}m${text}\x1b[0m` : text;
  return { green: wrap(32), red: wrap(31), yellow: wrap(33), dim: wrap(2) };
}

/** True when colors may be used on `stream` (a terminal, and NO_COLOR unset or empty). */
export function colorsWanted(isTerminal: boolean): boolean {
  const noColor = Deno.env.get("NO_COLOR");
  return isTerminal && (noColor === undefined || noColor === "");
}

function paintState(state: ProcState | null, paint: Paint): string {
  switch (state) {
    case "RUNNING":
      return paint.green(state);
    case "FATAL":
    case "BACKOFF":
    case "EXITED":
      return paint.red(state);
    case "STARTING":
    case "WAITING":
    case "STOPPING":
      return paint.yellow(state);
    default:
      return state ?? "UNKNOWN";
  }
}

/** `H:MM:SS` (or `Nd H:MM:SS`) for a number of seconds. */
export function formatUptime(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const days = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const clock = `${h}:${String(m).padStart(2, "0")}:${String(sec).padStart(2, "0")}`;
  return days > 0 ? `${days}d ${clock}` : clock;
}

/** supervisorctl-style status lines: name, state, then pid/uptime or exit/reason. */
export function renderStatus(list: ProcessStatus[], paint: Paint, now = Date.now()): string {
  if (list.length === 0) return "no programs configured\n";
  const width = Math.max(...list.map((p) => p.name.length)) + 2;
  const lines = list.map((p) => {
    const state = paintState(p.state, paint) + " ".repeat(Math.max(1, 10 - p.state.length));
    return `${p.name.padEnd(width)}${state}${detail(p, now)}`.trimEnd();
  });
  return lines.join("\n") + "\n";
}

function detail(p: ProcessStatus, now: number): string {
  const parts: string[] = [];
  // Held processes say which way (docs/cli.md "status"); older daemons send no `held`.
  if (p.held === true) parts.push(`held ${p.desired}`);
  if (p.pid !== null) parts.push(`pid ${p.pid}`);
  if (p.state === "RUNNING") {
    parts.push(`uptime ${formatUptime((now - Date.parse(p.since)) / 1000)}`);
  }
  if (p.pid === null && p.signal !== null) parts.push(`killed by ${p.signal}`);
  else if (p.pid === null && p.exitCode !== null) parts.push(`exit status ${p.exitCode}`);
  if (p.restarts > 0) parts.push(`restarts ${p.restarts}`);
  if (p.description !== "") parts.push(p.description);
  const health = healthText(p.health);
  if (health !== "") parts.push(health);
  return parts.join(", ");
}

/** `healthy`, `unhealthy 3/3 (HTTP 503)`, `healthy, failing 1/3 (timeout after 2s)`; "" unknown. */
function healthText(h: ProcessStatus["health"] | undefined): string {
  if (h === undefined || h === null || h.state === "unknown") return "";
  const why = h.message === "" ? "" : ` (${h.message})`;
  const count = `${h.failures}/${h.threshold}`;
  if (h.state === "unhealthy") return `unhealthy ${count}${why}`;
  return h.failures > 0 ? `healthy, failing ${count}${why}` : "healthy";
}

/** One line per action result: `name: message`, failures in red. */
export function renderActions(results: ActionResult[], paint: Paint): string {
  return results.map((r) => `${r.name}: ${r.ok ? r.message : paint.red(r.message)}`).join("\n") +
    (results.length > 0 ? "\n" : "");
}

/** The four reload lists, one line each. */
export function renderReload(result: ReloadResult, dryRun: boolean): string {
  const row = (label: string, names: string[]) =>
    `${label.padEnd(11)}${names.length === 0 ? "-" : names.join(" ")}`;
  return [
    ...(dryRun ? ["dry run: nothing changed"] : []),
    row("added:", result.added),
    row("changed:", result.changed),
    row("removed:", result.removed),
    row("unchanged:", result.unchanged),
  ].join("\n") + "\n";
}

/** Daemon facts as `key: value` lines. */
export function renderInfo(info: DaemonInfo, paint: Paint): string {
  const reload = info.lastReload === null
    ? "none"
    : `${info.lastReload.ok ? "ok" : paint.red("failed")} at ${info.lastReload.at}${
      info.lastReload.message ? ` (${info.lastReload.message})` : ""
    }`;
  const web = info.httpUrl ?? (info.httpError ? paint.red(`failed: ${info.httpError}`) : "off");
  const rows: [string, string][] = [
    ["version", `${info.version} (api ${info.apiVersion})`],
    ["pid", String(info.pid)],
    ["started", info.startedAt],
    ["uptime", formatUptime(info.uptimeSeconds)],
    ["config", info.configFile],
    ["last reload", reload],
    ["web", web],
    ["log loss", `${info.logLossBytes} bytes`],
    [
      "alerts",
      `${info.alerts.sent} sent, ${info.alerts.failed} failed, ${info.alerts.dropped} dropped`,
    ],
    ["state file", stateLine(info, paint)],
  ];
  return rows.map(([k, v]) => `${(k + ":").padEnd(13)}${v}`).join("\n") + "\n";
}

/** `PATH (N overrides)`, `off (N overrides in memory)`, plus the last error in red. */
function stateLine(info: DaemonInfo, paint: Paint): string {
  if (info.stateFile === undefined) return "unknown (older daemon)";
  const count = `${info.overrides} override${info.overrides === 1 ? "" : "s"}`;
  const where = info.stateFile === null
    ? `off (${count} in memory)`
    : `${info.stateFile} (${count})`;
  return info.stateError === null ? where : `${where}, ${paint.red(`error: ${info.stateError}`)}`;
}

/** `deps`: the start waves, then every edge (`web -> db (ready)`). */
export function renderDeps(info: DepsInfo): string {
  if (info.edges.length === 0) return "no dependencies\n";
  const lines = info.waves.map((wave, i) => `wave ${i + 1}: ${wave.join(" ")}`);
  lines.push("edges:");
  for (const e of info.edges) lines.push(`  ${e.from} -> ${e.to} (${e.condition})`);
  return lines.join("\n") + "\n";
}
