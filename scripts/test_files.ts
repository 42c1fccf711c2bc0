/**
 * The parts of `deno task test` (scripts/run_tests.ts) that decide which files run and how:
 * the list of files that must run alone, the file walk and a pool of `deno test` processes.
 */

/**
 * Files that run alone, after the parallel phase. Each loads the machine on purpose (it would
 * slow the others down and its printed figures — latency, rate, RSS, CPU — would mean nothing
 * next to them) or still asserts a timing figure. Everything else runs in parallel: tests assert
 * outcomes and wait on events, so other files' load only makes them slower.
 */
export const SERIAL: ReadonlySet<string> = new Set([
  "tests/integration/supervisor/spawn500_test.ts", // 200 children at once
  "tests/reliability/load_test.ts", // L2: 50 programs × 2 restarts/s; L3 backoff schedule
  "tests/reliability/scale_test.ts", // L1: 300 children, idle CPU; L7/F19 under prlimit
  "tests/reliability/log_load_test.ts", // L4: 20 MB/s of output; L5: 2 × 100 MiB lines
  "tests/reliability/socket_abuse_test.ts", // B1: 400 hostile requests; L6: 200 connections
  "tests/reliability/probe_load_test.ts", // W5: 500 connects/s; prints the checker's CPU
]);

/** Deno's default test file pattern: `{*_,*.,}test.{ts,tsx,mts,js,mjs,jsx}`. */
const TEST_FILE = /(^|[._])test\.(ts|tsx|mts|js|mjs|jsx)$/;

/** Every test file under `root`, sorted, as `root/…` paths. */
export async function collectTestFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(dir: string): Promise<void> {
    for await (const entry of Deno.readDir(dir)) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory && entry.name !== "node_modules") await walk(path);
      else if (entry.isFile && TEST_FILE.test(entry.name)) out.push(path);
    }
  }
  await walk(root);
  return out.sort();
}

export interface FileResult {
  file: string;
  passed: number;
  failed: number;
  seconds: number;
}

type Summarise = (text: string, success: boolean) => { passed: number; failed: number };

/** Durations of the last run, to start the longest files first (a cache; absent on CI). */
const TIMES = ".tmp/test_times.json";
/** A file that runs longer than this is killed and counted as failed (a hang, not a slow run). */
const FILE_TIMEOUT_S = Number(Deno.env.get("TEST_FILE_TIMEOUT_S") ?? "") || 900;

async function readTimes(): Promise<Record<string, number>> {
  try {
    return JSON.parse(await Deno.readTextFile(TIMES));
  } catch {
    return {};
  }
}

/**
 * Runs `files` with `jobs` `deno test` processes at a time. With one job the output streams
 * live; with more, each file's output is printed in one block when it ends.
 */
export async function runPool(
  files: readonly string[],
  jobs: number,
  summarise: Summarise,
): Promise<FileResult[]> {
  const times = await readTimes();
  // Longest first (unknown files count as long), so the pool does not end on one slow file.
  const queue = [...files].sort((a, b) => (times[b] ?? 1e9) - (times[a] ?? 1e9));
  const results: FileResult[] = [];
  const worker = async () => {
    for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
      results.push(await runFile(file, jobs === 1, summarise));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, jobs) }, worker));
  const updated = { ...await readTimes() };
  for (const r of results) updated[r.file] = Math.round(r.seconds * 10) / 10;
  await Deno.mkdir(".tmp", { recursive: true });
  await Deno.writeTextFile(TIMES, JSON.stringify(updated, null, 1) + "\n");
  return results;
}

async function runFile(file: string, live: boolean, summarise: Summarise): Promise<FileResult> {
  const t0 = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["test", "-A", "--no-check", file],
    stdout: "piped",
    stderr: live ? "inherit" : "piped",
  }).spawn();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
  }, FILE_TIMEOUT_S * 1000);
  const decoder = new TextDecoder();
  let tail = "";
  const out: Uint8Array[] = [];
  const err: Uint8Array[] = [];
  const pumpOut = async () => {
    for await (const chunk of child.stdout) {
      if (live) await Deno.stdout.write(chunk);
      else out.push(chunk);
      // Only the last lines matter for the summary; keep a bounded window.
      tail = (tail + decoder.decode(chunk, { stream: true })).slice(-4096);
    }
  };
  const pumpErr = async () => {
    if (live) return;
    for await (const chunk of child.stderr) err.push(chunk);
  };
  await Promise.all([pumpOut(), pumpErr()]);
  const status = await child.status;
  clearTimeout(timer);
  const seconds = (performance.now() - t0) / 1000;
  if (!live) {
    await Deno.stdout.write(concat(out));
    await Deno.stdout.write(concat(err));
  }
  const summary = summarise(tail, status.success);
  const failed = timedOut && summary.failed === 0 ? 1 : summary.failed;
  const note = timedOut ? ` (killed after ${FILE_TIMEOUT_S} s)` : "";
  console.log(
    `run_tests: ${file}: ${summary.passed} passed, ${failed} failed in ${
      seconds.toFixed(1)
    } s${note}`,
  );
  return { file, passed: summary.passed, failed, seconds };
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
