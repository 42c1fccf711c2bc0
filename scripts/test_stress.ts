/**
 * `deno task test:stress [--runs N] [--burners B]`: runs the whole suite N times in a row
 * (default 5) while B processes (default 2) burn CPU, to find tests that fail on a loaded
 * machine. Each run's output goes to `.tmp/stress/run-K.log`; one line per run is printed, with
 * the files that failed, then a summary line. The burners are killed by pid at the end, on a
 * failure and on Ctrl-C. Exit code: non-zero if any run failed.
 */
/** Value of `--name N` or `--name=N` in the arguments, or `fallback`. */
function flag(name: string, fallback: string): string {
  const args = Deno.args;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === `--${name}`) return args[i + 1] ?? "";
    if (args[i]?.startsWith(`--${name}=`)) return args[i]?.slice(name.length + 3) ?? "";
  }
  return fallback;
}

const runs = Number(flag("runs", "5"));
const burnerCount = Number(flag("burners", "2"));
if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(burnerCount) || burnerCount < 0) {
  console.error("usage: deno task test:stress [--runs N] [--burners B]");
  Deno.exit(2);
}

const burners: Deno.ChildProcess[] = [];
let suite: Deno.ChildProcess | null = null;

function killAll(): void {
  for (const child of [...burners, ...(suite ? [suite] : [])]) {
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
  }
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  Deno.addSignalListener(signal, () => {
    console.log(`\ntest:stress: ${signal}, killing burners ${burners.map((b) => b.pid)}`);
    killAll();
    Deno.exit(130);
  });
}

/** Appends everything `stream` yields to `file` (both of a child's streams share the file). */
async function copy(stream: ReadableStream<Uint8Array>, file: Deno.FsFile): Promise<void> {
  for await (const chunk of stream) {
    for (let at = 0; at < chunk.length;) at += await file.write(chunk.subarray(at));
  }
}

const dir = ".tmp/stress";
const lines: string[] = [];
let failedRuns = 0;
try {
  await Deno.mkdir(dir, { recursive: true });
  for (let i = 0; i < burnerCount; i++) {
    burners.push(
      new Deno.Command("sh", { args: ["-c", "while :; do :; done"], stdout: "null" }).spawn(),
    );
  }
  console.log(`test:stress: ${runs} runs, burners ${burners.map((b) => b.pid).join(", ")}`);
  for (let run = 1; run <= runs; run++) {
    const log = `${dir}/run-${run}.log`;
    const file = await Deno.open(log, { write: true, create: true, truncate: true });
    const t0 = performance.now();
    suite = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "scripts/run_tests.ts"],
      stdout: "piped",
      stderr: "piped",
      env: { NO_COLOR: "1" },
    }).spawn();
    await Promise.all([copy(suite.stdout, file), copy(suite.stderr, file)]);
    const status = await suite.status;
    suite = null;
    file.close();
    const text = await Deno.readTextFile(log);
    const summary = text.match(/^tests: \d+ passed, \d+ failed$/gm)?.at(-1) ??
      "tests: 0 passed, 1 failed (no summary)";
    const failedFiles = [...text.matchAll(/^run_tests: FAILED (\S+)/gm)].map((m) => m[1]);
    const failedTests = [...text.matchAll(/^(.+?) \.\.\. FAILED/gm)].map((m) => m[1]?.trim());
    const ok = status.success && / 0 failed$/.test(summary);
    if (!ok) failedRuns++;
    const line = `run ${run}/${runs}: ${summary} in ${
      ((performance.now() - t0) / 1000).toFixed(0)
    } s${ok ? "" : ` — ${failedFiles.join(", ")}`} (${log})`;
    lines.push(line);
    console.log(line);
    for (const name of new Set(failedTests)) console.log(`    FAILED: ${name}`);
  }
} finally {
  killAll();
}
console.log(
  `test:stress: ${runs} runs with ${burnerCount} burners: ${runs - failedRuns} passed, ` +
    `${failedRuns} failed`,
);
Deno.exit(failedRuns > 0 ? 1 : 0);
