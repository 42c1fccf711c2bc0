/**
 * Server-side rendering of the two pages. Both are complete without JavaScript (the first
 * response already holds the process table and the latest events); `/static/app.js` then keeps
 * them live. All untrusted values go through {@link text}.
 */
import type { DaemonInfo, LogEvent, LogLevel, ProcessStatus } from "../protocol/types.ts";
import { escapeHtml, shell, text } from "./html.ts";

/** Levels offered by the `/logs` filter, lowest first. */
export const LEVELS: readonly LogLevel[] = ["DEBUG", "INFO", "WARN", "ERROR"];

/** `1d 02h`, `3h 04m`, `5m 06s`, `7s`: a compact duration. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const d = Math.floor(s / 86400), h = Math.floor(s / 3600) % 24;
  const m = Math.floor(s / 60) % 60, r = s % 60;
  const two = (n: number) => String(n).padStart(2, "0");
  if (d > 0) return `${d}d ${two(h)}h`;
  if (h > 0) return `${h}h ${two(m)}m`;
  if (m > 0) return `${m}m ${two(r)}s`;
  return `${r}s`;
}

/** Uptime text of a status row: only RUNNING processes have one. */
export function uptimeOf(status: ProcessStatus, now: number): string {
  if (status.state !== "RUNNING") return "-";
  const since = Date.parse(status.since);
  return Number.isNaN(since) ? "-" : formatDuration((now - since) / 1000);
}

/** `exit 1`, `SIGKILL` or `-`. */
export function lastExitOf(status: ProcessStatus): string {
  if (status.signal !== null) return status.signal;
  return status.exitCode === null ? "-" : `exit ${status.exitCode}`;
}

function actionButtons(name: string, label: string): string {
  const n = escapeHtml(name);
  return ["start", "stop", "restart"].map((action) =>
    `<button type="button" class="btn btn-${action}" data-action="${action}" data-name="${n}" ` +
    `aria-label="${action} ${label}">${action}</button>`
  ).join("");
}

/** `held stopped, ` before the description of a held process (docs/state.md), as ctl shows it. */
function heldPrefix(status: ProcessStatus): string {
  if (!status.held) return "";
  return `held ${status.desired}${status.description === "" ? "" : ", "}`;
}

/** One `<tr>` of the process table (the script renders the same structure). */
export function processRow(status: ProcessStatus, now: number): string {
  const cell = (label: string, value: string, cls = "") =>
    `<td data-label="${label}"${cls ? ` class="${cls}"` : ""}>${value}</td>`;
  return `<tr data-name="${escapeHtml(status.name)}" data-state="${escapeHtml(status.state)}">` +
    cell("Name", `<span class="pname">${text(status.name)}</span>`, "c-name") +
    cell(
      "State",
      `<span class="badge st-${escapeHtml(status.state)}">${text(status.state)}</span>`,
    ) +
    cell("PID", text(status.pid), "num") +
    cell("Uptime", text(uptimeOf(status, now)), "num c-uptime") +
    cell("Restarts", text(status.restarts), "num") +
    cell("Last exit", text(lastExitOf(status))) +
    cell("Description", text(heldPrefix(status) + status.description), "c-desc") +
    cell("Actions", actionButtons(status.name, text(status.name)), "c-actions") +
    `</tr>`;
}

/** The dashboard: daemon facts, bulk actions, the process table and collapsed output panes. */
export function dashboardPage(
  statuses: readonly ProcessStatus[],
  info: DaemonInfo,
  csrfToken: string,
  now: number,
): string {
  const rows = statuses.map((s) => processRow(s, now)).join("\n");
  const outputs = statuses.map((s) => outputPane(s.name)).join("\n");
  const body = `<section class="toolbar">
<div class="daemon"><h1>Processes</h1>
<p class="meta" id="daemon-meta">v${text(info.version)} · pid ${text(info.pid)} · up ${
    text(formatDuration(info.uptimeSeconds))
  } · <span class="path">${text(info.configFile)}</span></p></div>
<div class="bulk">${actionButtons("all", "all")}</div>
</section>
<p id="flash" class="flash" role="status" hidden></p>
<div class="table-wrap"><table class="procs">
<thead><tr><th>Name</th><th>State</th><th class="num">PID</th><th class="num">Uptime</th>` +
    `<th class="num">Restarts</th><th>Last exit</th><th>Description</th><th>Actions</th></tr></thead>
<tbody id="procs">
${rows || emptyRow()}
</tbody></table></div>
<section class="outputs"><h2>Output</h2><div id="outputs">
${outputs}
</div></section>`;
  return shell({ title: "taskmaster", page: "dashboard", csrfToken, body });
}

function emptyRow(): string {
  return `<tr class="empty"><td colspan="8">No programs configured.</td></tr>`;
}

/** A collapsed output pane; the script loads the tail and follows it when opened. */
export function outputPane(name: string): string {
  const n = escapeHtml(name);
  const q = encodeURIComponent(name);
  return `<details class="out" data-name="${n}"><summary><span class="pname">${
    text(name)
  }</span></summary>
<div class="out-bar"><span class="tabs"><button type="button" data-stream="stdout" aria-pressed="true">stdout</button>` +
    `<button type="button" data-stream="stderr" aria-pressed="false">stderr</button></span>` +
    `<a class="raw" href="/api/output/${q}?stream=stdout">raw</a></div>
<pre class="tail" tabindex="0"></pre></details>`;
}

/** One event line of `/logs` (the script renders the same structure). */
export function eventRow(event: LogEvent): string {
  const fields = Object.entries(event.fields).map(([k, v]) =>
    `<span class="kv"><span class="k">${text(k)}</span>=${text(v)}</span>`
  ).join(" ");
  return `<li class="ev" data-seq="${event.seq}" data-level="${escapeHtml(event.level)}">` +
    `<time datetime="${escapeHtml(event.time)}" title="${escapeHtml(event.time)}">${
      text(event.time.replace("T", " ").replace("Z", ""))
    }</time>` +
    `<span class="badge lvl-${escapeHtml(event.level)}">${text(event.level)}</span>` +
    `<span class="proc">${text(event.process)}</span>` +
    `<span class="evn">${text(event.event)}</span>` +
    `<span class="fields">${fields}</span></li>`;
}

/** The `/logs` page: filter form and the latest matching events, newest last. */
export function logsPage(
  events: readonly LogEvent[],
  programs: readonly string[],
  filter: { program: string; level: LogLevel },
  csrfToken: string,
): string {
  const choices = [...new Set(["-", ...programs, ...(filter.program ? [filter.program] : [])])];
  const option = (value: string, label: string, selected: boolean) =>
    `<option value="${escapeHtml(value)}"${selected ? " selected" : ""}>${text(label)}</option>`;
  const programOptions = [option("", "all programs", filter.program === "")]
    .concat(choices.map((p) => option(p, p === "-" ? "daemon (-)" : p, p === filter.program)))
    .join("");
  const levelOptions = LEVELS.map((l) => option(l, `${l}+`, l === filter.level)).join("");
  const last = events.at(-1)?.seq ?? 0;
  const body = `<section class="toolbar">
<div class="daemon"><h1>Event log</h1><p class="meta">${events.length} event${
    events.length === 1 ? "" : "s"
  } shown, newest last</p></div>
<form class="filters" method="get" action="/logs">
<label>Program <select name="program">${programOptions}</select></label>
<label>Level <select name="level">${levelOptions}</select></label>
<button type="submit" class="btn">Filter</button>
<label class="follow"><input type="checkbox" id="follow" checked> follow</label>
</form>
</section>
<ol id="events" class="events" data-after="${last}" data-program="${
    escapeHtml(filter.program)
  }" data-level="${filter.level}">
${events.map(eventRow).join("\n")}
</ol>
<p id="no-events" class="empty-note"${events.length ? " hidden" : ""}>No events yet.</p>`;
  return shell({ title: "taskmaster · event log", page: "logs", csrfToken, body });
}
