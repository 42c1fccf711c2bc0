/**
 * L8 soak (docs/reliability.md), run by hand, never in CI:
 *   deno run -A scripts/soak.ts [--minutes N]      (default 60)
 * One real taskmasterd with 100 quiet children, 10 crash-loopers (one exit per second each),
 * 5 loggers at 100 KB/s with rotation, 2 control clients (10 status/s each) and 1 HTTP poller
 * (GET /api/status, 1/s). Samples RSS and fds every 10 s; after the warm-up (10 min, or a sixth
 * of shorter runs) reports the RSS slope (MB/h), fd drift and status p99 per minute, then prints
 * PASS/FAIL against RSS slope ≤ 2 MB/h, fd drift 0, p99 ≤ 100 ms. Everything it started is
 * stopped by pid (the daemon by SIGTERM, its children by the harness's pid list).
 */
import { startDaemon } from "../tests/helpers/daemon_harness.ts";
import { fdCount, quantile, rssMiB } from "../tests/reliability/lib/proc.ts";

const minutesArg = Deno.args.indexOf("--minutes");
const minutes = minutesArg >= 0 ? Number(Deno.args[minutesArg + 1]) : 60;
if (!Number.isFinite(minutes) || minutes <= 0) {
  console.error("usage: deno run -A scripts/soak.ts [--minutes N]");
  Deno.exit(2);
}
const totalMs = minutes * 60_000;
const warmupMs = Math.min(10 * 60_000, totalMs / 6);

const LOGGER = `use Time::HiRes qw(sleep); $| = 1; my $i = 0;
while (1) { my $b = ''; for (1 .. 100) { $b .= sprintf("%s-%09d %s\\n", $ARGV[0], $i++, 'x' x 80) }
  print $b; sleep(0.1); }`;

/** The soak's config: quiet, crash-looping and logging programs, web on a free port. */
function soakConfig(loggerPath: string): string {
  let text = `taskmaster:\n  http: {host: 127.0.0.1, port: 0}\nprograms:\n` +
    `  quiet:\n    cmd: /bin/sleep 100000\n    numprocs: 100\n    starttime: 1\n` +
    `  looper:\n    cmd: ["/bin/sh", "-c", "sleep 1; exit 1"]\n    numprocs: 10\n` +
    `    starttime: 0\n    autorestart: true\n    maxrestartdelay: 0\n`;
  for (let i = 0; i < 5; i++) {
    text += `  logger${i}:\n    cmd: [/usr/bin/perl, ${loggerPath}, logger${i}]\n` +
      `    stdout: logs/logger${i}.log\n    logmaxbytes: 1048576\n    logbackups: 2\n`;
  }
  return text;
}

const scratch = await Deno.makeTempDir({ prefix: "tm-soak-" });
const loggerPath = `${scratch}/logger.pl`;
await Deno.writeTextFile(loggerPath, LOGGER);
const daemon = await startDaemon(soakConfig(loggerPath));
const pid = daemon.child.pid;
const info = (await daemon.call("info", {})).result as { httpUrl: string | null };
console.log(`soak: ${minutes} min, daemon pid ${pid}, web ${info.httpUrl}, dir ${daemon.dir}`);

let running = true;
const latencies: { at: number; ms: number }[] = [];
const t0 = performance.now();
async function ctlClient(): Promise<void> {
  while (running) {
    const t = performance.now();
    await daemon.call("status", {});
    latencies.push({ at: t - t0, ms: performance.now() - t });
    await new Promise((r) => setTimeout(r, Math.max(0, 100 - (performance.now() - t))));
  }
}
let httpErrors = 0;
async function httpPoller(): Promise<void> {
  while (running && info.httpUrl) {
    try {
      const response = await fetch(new URL("/api/status", info.httpUrl));
      await response.body?.cancel();
      if (!response.ok) httpErrors++;
    } catch (error) {
      httpErrors++;
      console.error(`soak: http: ${error}`);
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}
const samples: { at: number; rss: number; fds: number }[] = [];
const sampler = setInterval(() => {
  const at = performance.now() - t0;
  samples.push({ at, rss: rssMiB(pid), fds: fdCount(pid) });
  const last = samples.at(-1)!;
  if (samples.length % 6 === 0) {
    console.log(
      `soak: ${(at / 60_000).toFixed(1)} min RSS ${last.rss.toFixed(1)} MiB fds ${last.fds}`,
    );
  }
}, 10_000);
const workers = [ctlClient(), ctlClient(), httpPoller()];
const stopSignal = () => (running = false);
Deno.addSignalListener("SIGINT", stopSignal);
const end = setTimeout(stopSignal, totalMs);
try {
  while (running) await new Promise((r) => setTimeout(r, 500));
  await Promise.all(workers);
} finally {
  clearTimeout(end);
  clearInterval(sampler);
  Deno.removeSignalListener("SIGINT", stopSignal);
  await daemon.stop();
  await Deno.remove(scratch, { recursive: true });
}

const steady = samples.filter((s) => s.at >= warmupMs);
/** Least-squares slope of RSS over time, in MiB per hour. */
function slopePerHour(points: typeof samples): number {
  const n = points.length;
  if (n < 2) return NaN;
  const mx = points.reduce((a, p) => a + p.at, 0) / n;
  const my = points.reduce((a, p) => a + p.rss, 0) / n;
  const num = points.reduce((a, p) => a + (p.at - mx) * (p.rss - my), 0);
  const den = points.reduce((a, p) => a + (p.at - mx) ** 2, 0);
  return (num / den) * 3_600_000;
}
const slope = slopePerHour(steady);
const fdDrift = steady.length ? steady.at(-1)!.fds - steady[0]!.fds : NaN;
const perMinute: number[] = [];
for (let m = 0; m * 60_000 < totalMs; m++) {
  const window = latencies.filter((l) => l.at >= m * 60_000 && l.at < (m + 1) * 60_000);
  if (window.length) perMinute.push(quantile(window.map((l) => l.ms), 0.99));
}
const worstP99 = Math.max(...perMinute);
console.log(
  `L8: ${minutes} min, warm-up ${(warmupMs / 60_000).toFixed(1)} min; RSS slope ` +
    `${slope.toFixed(2)} MiB/h (${steady[0]?.rss.toFixed(1)} → ${
      steady.at(-1)?.rss.toFixed(1)
    }); fd drift ${fdDrift}; status p99 worst minute ${worstP99.toFixed(1)} ms over ` +
    `${latencies.length} calls; http errors ${httpErrors}`,
);
const pass = slope <= 2 && fdDrift === 0 && worstP99 <= 100;
console.log(
  `L8 ${pass ? "PASS" : "FAIL"}: slope ≤ 2 MB/h ${slope <= 2}, fd drift 0 ${
    fdDrift === 0
  }, p99 ≤ 100 ms ${worstP99 <= 100}`,
);
Deno.exit(pass ? 0 : 1);
