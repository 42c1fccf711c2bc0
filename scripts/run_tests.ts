/**
 * `deno task test`: runs the whole suite and ends with the one plain summary line CI reads:
 * `tests: N passed, M failed`.
 *
 * Two phases, each test file in its own `deno test` process (so env, cwd, umask, signal
 * listeners, RSS and fd counts of one file never leak into another):
 *   1. parallel: every file not listed in SERIAL, DENO_JOBS at a time (default: cores + 2; most
 *      files wait on child processes and sockets, not on the CPU), longest first;
 *   2. serial: the SERIAL files one after another with nothing else running (heavy load, scale
 *      and timing-sensitive rows whose printed figures would be meaningless next to others).
 * The type check runs once, before both. A file that crashes without a summary counts as one
 * failure; the exit code is non-zero on any failure.
 *
 * Extra arguments are passed to one plain `deno test` (e.g. a folder to run only part of it).
 */
import { collectTestFiles, type FileResult, runPool, SERIAL } from "./test_files.ts";

const decoder = new TextDecoder();

if (Deno.args.length > 0) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["test", "-A", "--no-check=remote", ...Deno.args],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  let tail = "";
  for await (const chunk of child.stdout) {
    await Deno.stdout.write(chunk);
    tail = (tail + decoder.decode(chunk, { stream: true })).slice(-4096);
  }
  const status = await child.status;
  const { passed, failed } = summaryOf(tail, status.success);
  console.log(`tests: ${passed} passed, ${failed} failed`);
  Deno.exit(status.code);
}

function summaryOf(text: string, success: boolean): { passed: number; failed: number } {
  // Deno's summary: "ok | 12 passed (3 steps) | 0 failed (1s)"; strip colours first.
  // deno-lint-ignore no-control-regex
  const plain = text.replace(/\x1b\[[0-9;]*m/g, "");
  const match = [...plain.matchAll(/(\d+) passed(?: \(\d+ steps?\))? \| (\d+) failed/g)].at(-1);
  const passed = match ? Number(match[1]) : 0;
  let failed = match ? Number(match[2]) : 0;
  // A run that failed without a summary (type error, crash) must not look green.
  if (!success && failed === 0) failed = 1;
  return { passed, failed };
}

const started = performance.now();
const files = await collectTestFiles("tests");
const serial = files.filter((f) => SERIAL.has(f));
const parallel = files.filter((f) => !SERIAL.has(f));
const unknown = [...SERIAL].filter((f) => !files.includes(f));
if (unknown.length > 0) console.log(`run_tests: SERIAL names missing files: ${unknown.join(", ")}`);

// One type check for all files (each file's own run then skips it).
const check = await new Deno.Command(Deno.execPath(), {
  args: ["check", ...files],
  stdout: "inherit",
  stderr: "inherit",
}).output();
if (!check.success) {
  console.log("run_tests: type check failed");
  console.log("tests: 0 passed, 1 failed");
  Deno.exit(1);
}

const jobs = Number(Deno.env.get("DENO_JOBS") ?? "") || navigator.hardwareConcurrency + 2;
const results: FileResult[] = [];
const t1 = performance.now();
console.log(`run_tests: parallel phase, ${parallel.length} files, ${jobs} at a time`);
results.push(...await runPool(parallel, jobs, summaryOf));
const parallelS = (performance.now() - t1) / 1000;
const t2 = performance.now();
console.log(`run_tests: serial phase, ${serial.length} files, one at a time`);
results.push(...await runPool(serial, 1, summaryOf));
const serialS = (performance.now() - t2) / 1000;

const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0);
const bad = results.filter((r) => r.failed > 0);
console.log(
  `run_tests: parallel ${parallelS.toFixed(0)} s, serial ${serialS.toFixed(0)} s, total ${
    ((performance.now() - started) / 1000).toFixed(0)
  } s`,
);
for (const r of bad) console.log(`run_tests: FAILED ${r.file} (${r.failed})`);
console.log(`tests: ${passed} passed, ${failed} failed`);
Deno.exit(failed > 0 ? 1 : 0);
