/**
 * The page stylesheet, served at `/static/app.css` (CSP `style-src 'self'`: no inline style).
 * Light and dark via `prefers-color-scheme`; the process table becomes cards on narrow screens.
 */
export const APP_CSS = `:root {
  --bg: #f6f7f9; --panel: #ffffff; --fg: #1d2330; --muted: #667085; --line: #e3e6eb;
  --accent: #3b63d6; --accent-fg: #ffffff; --code: #f1f3f6; --shadow: 0 1px 2px rgba(16,24,40,.06), 0 1px 3px rgba(16,24,40,.08);
  --ok: #117a43; --ok-bg: #dcf5e7; --info: #1f5fbf; --info-bg: #dde9fb; --warn: #8a5a00; --warn-bg: #fdf0cf;
  --bad: #b42318; --bad-bg: #fde2df; --idle: #4b5563; --idle-bg: #e9ecf0; --stop: #6b3fa0; --stop-bg: #ece3f8;
  color-scheme: light dark;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0f1318; --panel: #171c23; --fg: #e4e8ee; --muted: #8b95a5; --line: #262d37;
    --accent: #6d8ff0; --accent-fg: #0b0f14; --code: #0b0f14; --shadow: none;
    --ok: #5fd39a; --ok-bg: #123325; --info: #7fb0ff; --info-bg: #15284a; --warn: #f2c25b; --warn-bg: #3a2d0c;
    --bad: #ff8a7d; --bad-bg: #431a16; --idle: #aab3c0; --idle-bg: #242a33; --stop: #c5a3f5; --stop-bg: #2c2040;
  }
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
a { color: var(--accent); }
.top { position: sticky; top: 0; z-index: 2; display: flex; align-items: center; gap: 1.25rem;
  padding: .7rem clamp(.75rem, 3vw, 2rem); background: var(--panel); border-bottom: 1px solid var(--line); }
.brand { display: flex; align-items: center; gap: .5rem; font-weight: 700; letter-spacing: .01em;
  color: var(--fg); text-decoration: none; }
.logo { width: 1.1rem; height: 1.1rem; border-radius: .3rem; background: linear-gradient(135deg, var(--accent), var(--ok)); }
.top nav { display: flex; gap: .25rem; flex: 1; }
.top nav a { padding: .3rem .65rem; border-radius: .45rem; color: var(--muted); text-decoration: none; }
.top nav a:hover { background: var(--bg); color: var(--fg); }
.top nav a[aria-current="page"] { background: var(--bg); color: var(--fg); font-weight: 600; }
.live { font-size: .8rem; color: var(--muted); display: flex; align-items: center; gap: .4rem; white-space: nowrap; }
.live::before { content: ""; width: .5rem; height: .5rem; border-radius: 50%; background: var(--muted); }
.live[data-state="on"]::before { background: var(--ok); box-shadow: 0 0 0 3px var(--ok-bg); }
main { padding: 1.25rem clamp(.75rem, 3vw, 2rem) 3rem; max-width: 1400px; margin: 0 auto; }
h1 { font-size: 1.35rem; margin: 0; }
h2 { font-size: 1.05rem; margin: 2rem 0 .75rem; }
.toolbar { display: flex; flex-wrap: wrap; align-items: flex-end; justify-content: space-between; gap: 1rem; margin-bottom: 1rem; }
.meta { margin: .2rem 0 0; color: var(--muted); font-size: .85rem; }
.path { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; overflow-wrap: anywhere; }
.btn, .filters select, .tabs button { font: inherit; font-size: .85rem; border: 1px solid var(--line); background: var(--panel);
  color: var(--fg); border-radius: .45rem; padding: .3rem .7rem; cursor: pointer; }
.btn:hover, .tabs button:hover { border-color: var(--accent); }
.btn:focus-visible, .tabs button:focus-visible, summary:focus-visible { outline: 2px solid var(--accent); outline-offset: 1px; }
.btn:disabled { opacity: .55; cursor: progress; }
.btn-start { color: var(--ok); }
.btn-stop { color: var(--bad); }
.btn-restart { color: var(--info); }
.bulk { display: flex; gap: .4rem; }
.bulk .btn { padding: .45rem .9rem; font-weight: 600; }
.bulk .btn::after { content: " all"; }
.c-actions { white-space: nowrap; }
.c-actions .btn + .btn { margin-left: .3rem; }
.flash { margin: 0 0 1rem; padding: .55rem .8rem; border-radius: .5rem; background: var(--info-bg); color: var(--info); font-size: .9rem; }
.flash.bad { background: var(--bad-bg); color: var(--bad); }
.table-wrap { background: var(--panel); border: 1px solid var(--line); border-radius: .75rem; box-shadow: var(--shadow); overflow-x: auto; }
table.procs { width: 100%; border-collapse: collapse; }
.procs th { text-align: left; font-size: .75rem; text-transform: uppercase; letter-spacing: .05em; color: var(--muted);
  font-weight: 600; padding: .65rem .9rem; border-bottom: 1px solid var(--line); white-space: nowrap; }
.procs td { padding: .6rem .9rem; border-bottom: 1px solid var(--line); vertical-align: middle; }
.procs tbody tr:last-child td { border-bottom: 0; }
.procs tbody tr:hover { background: var(--bg); }
.num { text-align: right; font-variant-numeric: tabular-nums; }
th.num { text-align: right; }
.pname { font-weight: 600; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; overflow-wrap: anywhere; }
.procs td.c-name .pname { white-space: nowrap; }
.c-desc { color: var(--muted); font-size: .88rem; overflow-wrap: anywhere; max-width: 28rem; }
.empty td { text-align: center; color: var(--muted); padding: 2rem; }
.badge { display: inline-block; padding: .1rem .55rem; border-radius: 999px; font-size: .75rem; font-weight: 700;
  letter-spacing: .03em; background: var(--idle-bg); color: var(--idle); white-space: nowrap; }
.st-RUNNING { background: var(--ok-bg); color: var(--ok); }
.st-STARTING, .st-WAITING { background: var(--info-bg); color: var(--info); }
.hl-healthy { background: var(--ok-bg); color: var(--ok); }
.hl-unhealthy { background: var(--bad-bg); color: var(--bad); }
.st-BACKOFF { background: var(--warn-bg); color: var(--warn); }
.st-STOPPING { background: var(--stop-bg); color: var(--stop); }
.st-FATAL { background: var(--bad-bg); color: var(--bad); }
.st-EXITED, .st-STOPPED { background: var(--idle-bg); color: var(--idle); }
.lvl-DEBUG { background: var(--idle-bg); color: var(--idle); }
.lvl-INFO { background: var(--info-bg); color: var(--info); }
.lvl-WARN { background: var(--warn-bg); color: var(--warn); }
.lvl-ERROR { background: var(--bad-bg); color: var(--bad); }
.outputs details { background: var(--panel); border: 1px solid var(--line); border-radius: .6rem; margin-bottom: .5rem; }
.outputs summary { padding: .55rem .9rem; cursor: pointer; }
.out-bar { display: flex; justify-content: space-between; align-items: center; padding: 0 .9rem .5rem; }
.tabs { display: flex; gap: .3rem; }
.tabs button[aria-pressed="true"] { background: var(--accent); color: var(--accent-fg); border-color: var(--accent); }
.raw { font-size: .8rem; }
pre.tail { margin: 0; padding: .75rem .9rem; max-height: 22rem; overflow: auto; background: var(--code);
  border-top: 1px solid var(--line); border-radius: 0 0 .6rem .6rem; font: .8rem/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  white-space: pre-wrap; overflow-wrap: anywhere; }
.filters { display: flex; flex-wrap: wrap; align-items: center; gap: .6rem; }
.filters label { display: flex; align-items: center; gap: .35rem; font-size: .85rem; color: var(--muted); }
.events { list-style: none; margin: 0; padding: .3rem 0; background: var(--panel); border: 1px solid var(--line); border-radius: .75rem;
  box-shadow: var(--shadow); font: .82rem/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.ev { display: grid; grid-template-columns: 12.5rem 4.2rem minmax(6rem, 10rem) 7.5rem 1fr; gap: .75rem; align-items: baseline;
  padding: .28rem .9rem; border-bottom: 1px solid var(--line); }
.ev:last-child { border-bottom: 0; }
.ev time { color: var(--muted); font-variant-numeric: tabular-nums; }
.ev .badge { text-align: center; font-family: system-ui, sans-serif; }
.ev .proc { font-weight: 600; overflow-wrap: anywhere; }
.ev .evn { color: var(--accent); }
.ev .fields { overflow-wrap: anywhere; color: var(--fg); }
.kv .k { color: var(--muted); }
.ev[data-level="ERROR"] { background: color-mix(in srgb, var(--bad-bg) 45%, transparent); }
.ev[data-level="WARN"] { background: color-mix(in srgb, var(--warn-bg) 35%, transparent); }
.empty-note { color: var(--muted); text-align: center; padding: 1.5rem; }
@media (max-width: 760px) {
  body { font-size: 14px; }
  .top { gap: .6rem; flex-wrap: wrap; }
  .table-wrap { background: none; border: 0; box-shadow: none; overflow: visible; }
  .procs thead { display: none; }
  .procs, .procs tbody, .procs tr, .procs td { display: block; width: 100%; }
  .procs tbody tr { background: var(--panel); border: 1px solid var(--line); border-radius: .75rem; margin-bottom: .7rem;
    padding: .4rem .2rem; box-shadow: var(--shadow); }
  .procs td { display: flex; justify-content: space-between; gap: 1rem; border: 0; padding: .3rem .8rem; text-align: right; max-width: none; }
  .procs td::before { content: attr(data-label); color: var(--muted); font-size: .8rem; text-align: left; flex-shrink: 0; }
  .procs td.c-desc:empty { display: none; }
  .procs td.c-name { font-size: 1.05rem; }
  .procs td.c-name::before, .procs td.c-actions::before { content: none; }
  .procs td.c-actions { justify-content: flex-start; padding-top: .5rem; }
  .ev { grid-template-columns: auto auto 1fr; gap: .2rem .6rem; }
  .ev .evn { grid-column: 3; }
  .ev time { grid-column: 1 / -1; font-size: .75rem; }
  .ev .fields { grid-column: 1 / -1; }
}
`;
