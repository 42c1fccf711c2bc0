/**
 * The "Notes" of docs/benchmarks.md: how each row is measured and configured, the same for every
 * tool, and what the figures mean (the Deno floor, the memory work they follow).
 */
import type { ScenarioOptions } from "./scenario_kit.ts";

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

/** Logged programs: the same config for every tool, and how the per-child rows are derived. */
const LOGGED_NOTE = "Logged programs (`… logged` rows): each process has its own stdout log " +
  "file in the run's temp dir, stderr discarded, no rotation, the same `sleep` as the other " +
  "rows (it writes nothing: the rows measure what a log file costs at spawn and while idle, " +
  "not log throughput, which the capture rows measure). Written as one program per process " +
  "for every tool, since Taskmaster has no per-instance `stdout` path: Taskmaster 500 entries " +
  "`stdout: FILE`, `stderr: none`, `logmaxbytes: 0`; supervisord 500 `[program:pI]` with " +
  "`stdout_logfile=FILE`, `stdout_logfile_maxbytes=0`, `stderr_logfile=NONE`; PM2 500 apps " +
  "with `out_file: FILE`, `error_file: /dev/null` (`merge_logs: true`, PM2's own default in " +
  "fork mode, keeps the file names exact; each app has its own file either way); the bare " +
  "loop opens each child's file and hands it over as its stdout (no pipe, no copy: the floor " +
  "of the design where a file-only child gets its log fd straight). After all RUNNING the bench " +
  "checks that every file exists. `spawn 100 logged` is the spawn row with 100 such " +
  "programs; `crash → respawn, logged program` the crash row with one (its file is reopened at " +
  "each spawn). `daemon … with 0 programs`: the daemon started on a config " +
  "with no program (the bare loop with 0 children), 1 s after it answers. `per child` rows = " +
  "(daemon RSS with 500 children − daemon RSS with 0 programs) ÷ 500, paired within each " +
  "repetition and tool (median (min–max) over the repetitions): what 500 children add to the " +
  "daemon alone, config entries included, with output `none` and with a log file each.";

/** The probe-load row: Taskmaster against the floor of the same socket work. */
const PROBE_NOTE = "Probe load: one program of 500 `sleep` processes, each with a tcp health " +
  "check at a 1 s period (`health: {tcp: PORT, period: 1}`, other keys at their defaults) " +
  "against one listener on 127.0.0.1 that the bench process runs (accept, close), so its work " +
  "is not the daemon's. After all RUNNING and a 3 s warm-up, the daemon's CPU (/proc/PID/stat " +
  "ticks, all threads) over the window, in % of one core; `tcp checks seen` is the " +
  "listener's accept rate over the same window (≈500/s when every check runs). A run where " +
  "any process restarted or was not `healthy` at the end counts as failed. Bare column: " +
  "bare_loop.c with `-c PORT`, a blocking connect + close per live child every 1 s from its " +
  "spawn, the floor of that socket work with no checker code. supervisord and PM2 have no " +
  "health checks: n/a.";

/** Every note, in the order the page shows them. */
export function benchNotes(options: ScenarioOptions): string[] {
  return [
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
    LOGGED_NOTE,
    PROBE_NOTE,
    PERFORMANCE_NOTE,
  ];
}

/** Where the hand-made measurements live: this file is rewritten by every run. */
const PERFORMANCE_NOTE = "Measurements that need a set-up of their own (cold controller against " +
  "a big daemon, memory per logged child with its floors, probe load against Deno's and C's " +
  "connect floor, before → after comparisons) are in docs/performance.md, written by hand.";
