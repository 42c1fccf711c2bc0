/**
 * HTML building blocks: escaping of untrusted text (child output, names, event fields), ANSI
 * stripping, and the shared page shell. Every byte a child printed reaches HTML only through
 * {@link text}/{@link escapeHtml}; nothing here ever emits inline script or inline style.
 */

/** Escapes `value` for HTML text and for double- or single-quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

// CSI (colours, cursor moves), OSC (titles, hyperlinks; BEL or ST terminated), and the
// remaining two-byte ESC sequences. Then any other C0/C1 control except tab and newline.
const ANSI =
  // deno-lint-ignore no-control-regex
  /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]|\x9b[0-?]*[ -/]*[@-~]/g;
// deno-lint-ignore no-control-regex
const CONTROLS = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

/** Removes ANSI escape sequences and other control characters (keeps `\t` and `\n`). */
export function stripAnsi(value: string): string {
  return value.replace(ANSI, "").replace(/\r\n/g, "\n").replace(CONTROLS, "");
}

/** Untrusted text → safe HTML text: control sequences stripped, then escaped. */
export function text(value: string | number | boolean | null): string {
  return escapeHtml(stripAnsi(value === null ? "-" : String(value)));
}

/** Decodes child output bytes leniently (invalid UTF-8 becomes U+FFFD). */
export function decodeOutput(bytes: Uint8Array): string {
  return new TextDecoder("utf-8", { fatal: false }).decode(bytes);
}

/** Options of the page shell. */
export interface ShellOptions {
  /** Page title (trusted, but escaped anyway). */
  title: string;
  /** `dashboard` or `logs`: selects the script's behaviour and the active nav link. */
  page: "dashboard" | "logs";
  /** This daemon run's CSRF token, put into `<meta name="csrf-token">`. */
  csrfToken: string;
  /** Already-escaped body HTML. */
  body: string;
}

/** The full HTML document around a page body, with the CSRF meta tag and external assets. */
export function shell(options: ShellOptions): string {
  const nav = (page: ShellOptions["page"], href: string, label: string) =>
    `<a href="${href}"${options.page === page ? ' aria-current="page"' : ""}>${label}</a>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="csrf-token" content="${escapeHtml(options.csrfToken)}">
<title>${escapeHtml(options.title)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/static/app.css">
<script src="/static/app.js" defer></script>
</head>
<body data-page="${options.page}">
<header class="top">
<a class="brand" href="/"><span class="logo" aria-hidden="true"></span>taskmaster</a>
<nav>${nav("dashboard", "/", "Processes")}${nav("logs", "/logs", "Event log")}</nav>
<span id="live" class="live" data-state="off" title="live updates">offline</span>
</header>
<main>
${options.body}
</main>
</body>
</html>
`;
}
