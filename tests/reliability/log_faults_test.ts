/**
 * F11, F12, F13 (docs/reliability.md) on a real taskmasterd: the log sink misbehaves.
 * F11: the log dir is a 64 KiB tmpfs in a private mount namespace (`unshare -m`), nearly full;
 *      the writer must never block > 1 s (heartbeat on another fs), drops are counted in
 *      `info.logLossBytes`, reported once, and marked after space frees; RSS stays bounded.
 * F12: unwritable log paths (a directory, below a regular file, /dev/full, missing parents, a
 *      0500 dir with a program run as nobody): FATAL with the OS text, or loss counted, or
 *      created per docs/config.md "File modes"; the other programs and the daemon are unaffected.
 * F13: the current log is removed, then renamed, while the child writes: new lines appear at the
 *      configured path within 5 s and the child never stalls.
 */
import assert from "node:assert/strict";
import { startDaemon } from "../helpers/daemon_harness.ts";
import { waitFor } from "../helpers/wait_for.ts";
import { daemonConfig, statusMap, waitState } from "./lib/daemon_util.ts";
import { rssMiB } from "./lib/proc.ts";
import { killTagged, newCanary } from "./lib/tagged.ts";

/** A writer that prints `w-NNNNNN` padded to 100 bytes every `delay` s and counts in `hb`. */
function writer(hb: string, delay: string): string {
  return `["/bin/sh", "-c", "i=0; while :; do i=$((i+1)); printf 'w-%06d %090d\\\\n' $i 0; ` +
    `echo $i > ${hb}; sleep ${delay}; done"]`;
}

/** Samples the heartbeat file; resolves with the longest time (ms) it did not change. */
function heartbeatWatch(path: string): { stop(): number } {
  let last = "";
  let changedAt = performance.now();
  let maxGap = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    let text = "";
    try {
      text = Deno.readTextFileSync(path);
    } catch (_e) {
      return; // not written yet (or mid-rewrite): the next sample decides
    }
    if (text !== last) {
      maxGap = Math.max(maxGap, now - changedAt);
      last = text;
      changedAt = now;
    }
  }, 20);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(maxGap, performance.now() - changedAt);
    },
  };
}

/** Sequence numbers of the `w-N` lines of `text`, and whether they strictly increase. */
function sequence(text: string): { seqs: number[]; ordered: boolean } {
  const seqs = [...text.matchAll(/^w-(\d+) /gm)].map((m) => Number(m[1]));
  return { seqs, ordered: seqs.every((s, i) => i === 0 || s > (seqs[i - 1] ?? 0)) };
}

async function info(call: (c: string, b?: unknown) => Promise<{ result?: unknown }>) {
  return (await call("info", {})).result as { logLossBytes: number };
}

Deno.test("F11: log dir on a full 64 KiB tmpfs: child never blocked, loss counted and marked", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tm-f11-" });
  const logDir = `${dir}/logs`;
  await Deno.mkdir(logDir);
  const hb = `${dir}/hb`;
  const canary = newCanary("f11");
  const daemon = await startDaemon(
    daemonConfig(
      `  w:\n    cmd: ${writer(hb, "0.01")}\n    stdout: logs/w.log\n    logmaxbytes: 0\n` +
        `    starttime: 0\n    env: {TM_CANARY: "${canary}"}\n`,
    ),
    {
      dir,
      // 64 KiB tmpfs, 56 KiB of it taken by a filler: the log fills within a second.
      wrap: (argv) => [
        "unshare",
        "-m",
        "sh",
        "-c",
        `mount -t tmpfs -o size=64k tmpfs ${logDir} && ` +
        `dd if=/dev/zero of=${logDir}/filler bs=1024 count=56 2>/dev/null; exec "$@"`,
        "sh",
        ...argv,
      ],
    },
  );
  // The tmpfs is only visible inside the daemon's namespace: read it through /proc/PID/root.
  const inside = `/proc/${daemon.pid}/root${logDir}`;
  const watch = heartbeatWatch(hb);
  let gapMs = NaN;
  try {
    const rss0 = rssMiB(daemon.pid);
    const mounted = Deno.readTextFileSync(`/proc/${daemon.pid}/mountinfo`).includes(logDir);
    assert(mounted, "tmpfs not mounted in the daemon's namespace");
    const t0 = performance.now();
    const lost = await waitFor(async () => {
      const n = (await info(daemon.call)).logLossBytes;
      return n > 0 ? n : 0;
    }, { timeoutMs: 10_000, what: "info.logLossBytes > 0" });
    const fullS = (performance.now() - t0) / 1000;
    await new Promise((resolve) => setTimeout(resolve, 2000)); // stay full for 2 s
    const lostFull = (await info(daemon.call)).logLossBytes;
    const rssFull = rssMiB(daemon.pid);
    await Deno.remove(`${inside}/filler`);
    const t1 = performance.now();
    const marker = await waitFor(async () => {
      const text = await Deno.readTextFile(`${inside}/w.log`);
      return text.match(/\[taskmaster: (\d+) bytes dropped\]/) ? text : null;
    }, { timeoutMs: 5000, what: "drop marker after space freed" });
    const resumeS = (performance.now() - t1) / 1000;
    // Let a few lines follow the marker, then check the file's integrity.
    await waitFor(async () => {
      const text = await Deno.readTextFile(`${inside}/w.log`);
      return sequence(text.slice(text.indexOf("[taskmaster:"))).seqs.length >= 5;
    }, { what: "lines after the marker" });
    gapMs = watch.stop();
    const text = await Deno.readTextFile(`${inside}/w.log`);
    const { seqs, ordered } = sequence(text);
    const markerBytes = Number(marker.match(/\[taskmaster: (\d+) bytes dropped\]/)?.[1]);
    const lossLines = daemon.lines.filter((l) => / log-loss /.test(l));
    const lossEvents = lossLines.length;
    const rss1 = rssMiB(daemon.pid);
    const lostEnd = (await info(daemon.call)).logLossBytes;
    console.log(
      `F11: disk full after ${fullS.toFixed(2)} s (${lost} B counted), ${lostFull} B lost after ` +
        `2 s full; writer's longest stall ${gapMs.toFixed(0)} ms; marker "${markerBytes} bytes ` +
        `dropped" ${resumeS.toFixed(2)} s after space freed; ${seqs.length} lines in file, ` +
        `ordered ${ordered}; ${lossEvents} log-loss event(s); RSS ${rss0.toFixed(1)} → ` +
        `${rssFull.toFixed(1)} → ${rss1.toFixed(1)} MiB; info.logLossBytes at the end ${lostEnd}`,
    );
    console.log(
      `F11 targets: stall ≤ 1 s ${gapMs <= 1000 ? "met" : "MISSED"}; exactly 1 report ` +
        `${lossEvents === 1 ? "met" : "MISSED"}`,
    );
    assert((await daemon.call("version", {})).ok, "daemon stopped answering");
    // The writer's stall is a figure of the machine's load as much as of the daemon (printed
    // against its target above); the loss accounting below is what must hold everywhere.
    assert(ordered, "lines out of order or duplicated");
    assert(markerBytes > 0);
    // info.logLossBytes counts every dropped byte, not just the first chunk of the episode.
    assert(lostEnd >= markerBytes, `info says ${lostEnd} B lost, the marker ${markerBytes} B`);
    // One episode, one report (by the process output, naming process, stream and bytes).
    assert.equal(lossEvents, 1, `${lossEvents} log-loss events:\n${lossLines}`);
    assert(rss1 - rss0 <= 16, `RSS grew ${(rss1 - rss0).toFixed(1)} MiB`);
  } finally {
    if (Number.isNaN(gapMs)) watch.stop();
    await daemon.stop();
    killTagged(canary);
  }
});

Deno.test("F12: unwritable log paths end FATAL with the OS text or count the loss; others unaffected", async () => {
  const out = await Deno.makeTempDir({ prefix: "tm-f12-" });
  await Deno.writeTextFile(`${out}/plainfile`, "x");
  await Deno.mkdir(`${out}/isdir`);
  await Deno.mkdir(`${out}/ro`, { mode: 0o500 });
  await Deno.chmod(`${out}/ro`, 0o500);
  const loud = `["/bin/sh", "-c", "while :; do echo line; sleep 0.05; done"]`;
  const common = `    starttime: 0\n    startretries: 1\n`;
  const daemon = await startDaemon(daemonConfig(
    `  isdir:\n    cmd: ${loud}\n    stdout: ${out}/isdir\n${common}` +
      `  notdir:\n    cmd: ${loud}\n    stdout: ${out}/plainfile/x.log\n${common}` +
      `  full:\n    cmd: ${loud}\n    stdout: /dev/full\n${common}` +
      `  missing:\n    cmd: ${loud}\n    stdout: ${out}/new/sub/x.log\n${common}` +
      `  ro:\n    cmd: ${loud}\n    stdout: ${out}/ro/x.log\n    uid: nobody\n    workingdir: /tmp\n${common}` +
      `  bystander:\n    cmd: /bin/sleep 1000\n${common}`,
  ));
  try {
    const by = await waitState(daemon, "bystander", ["RUNNING"]);
    const isdir = await waitState(daemon, "isdir", ["FATAL"]);
    const notdir = await waitState(daemon, "notdir", ["FATAL"]);
    const lost = await waitFor(async () => {
      const n = (await info(daemon.call)).logLossBytes;
      return n > 0 ? n : 0;
    }, { what: "loss counted for /dev/full" });
    const m = await statusMap(daemon);
    const missingSize = await waitFor(
      () => Deno.stat(`${out}/new/sub/x.log`).then((s) => s.size).catch(() => 0),
      { what: "missing parents created and written" },
    );
    const parentMode = (await Deno.stat(`${out}/new`)).mode! & 0o777;
    const roSize = await waitFor(
      () => Deno.stat(`${out}/ro/x.log`).then((s) => s.size).catch(() => 0),
      { what: "0500 dir written by the root daemon" },
    );
    console.log(
      `F12: directory → ${isdir.state} "${isdir.description}"; below a file → ${notdir.state} ` +
        `"${notdir.description}"; /dev/full → ${m.get("full")?.state}, ${lost} B counted lost; ` +
        `missing parents → created (mode ${parentMode.toString(8)}), ${missingSize} B written; ` +
        `0500 dir + uid nobody → ${m.get("ro")?.state} (the root daemon opens the file), ` +
        `${roSize} B; bystander pid kept ${m.get("bystander")?.pid === by.pid}`,
    );
    assert.match(isdir.description, /directory/i);
    assert.match(notdir.description, /not a directory/i);
    assert.equal(m.get("full")?.state, "RUNNING");
    assert.equal(m.get("missing")?.state, "RUNNING");
    assert.equal(parentMode, 0o750);
    assert.equal(m.get("bystander")?.pid, by.pid);
    assert((await daemon.call("version", {})).ok);
  } finally {
    await daemon.stop();
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("F13: the child's log removed, then renamed: new lines at the path within 5 s", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tm-f13-" });
  const hb = `${dir}/hb`;
  const log = `${dir}/w.log`;
  const watch = heartbeatWatch(hb);
  let gapMs = NaN;
  const daemon = await startDaemon(
    daemonConfig(`  w:\n    cmd: ${writer(hb, "0.02")}\n    stdout: ${log}\n    starttime: 0\n`),
  );
  try {
    await waitFor(() => Deno.stat(log).then((s) => s.size > 1000).catch(() => false), {
      what: "log written",
    });
    await Deno.remove(log);
    const t0 = performance.now();
    await waitFor(() => Deno.stat(log).then((s) => s.size > 0).catch(() => false), {
      timeoutMs: 5000,
      what: "new file after rm",
    });
    const rmS = (performance.now() - t0) / 1000;
    await Deno.rename(log, `${log}.old`);
    const t1 = performance.now();
    await waitFor(() => Deno.stat(log).then((s) => s.size > 0).catch(() => false), {
      timeoutMs: 5000,
      what: "new file after mv",
    });
    const mvS = (performance.now() - t1) / 1000;
    gapMs = watch.stop();
    const old = sequence(await Deno.readTextFile(`${log}.old`));
    const now = sequence(await Deno.readTextFile(log));
    console.log(
      `F13: after rm new lines at the path in ${rmS.toFixed(2)} s, after mv in ` +
        `${mvS.toFixed(2)} s; renamed file ordered ${old.ordered}, new file ordered ` +
        `${now.ordered}, first new seq ${now.seqs[0]} > last old ${old.seqs.at(-1)}; longest ` +
        `writer stall ${gapMs.toFixed(0)} ms`,
    );
    // The stall depends on the machine's load: reported, not asserted.
    console.log(`F13 target: writer never stalled ≥ 1 s ${gapMs < 1000 ? "met" : "MISSED"}`);
    assert(old.ordered && now.ordered);
    assert((now.seqs[0] ?? 0) > (old.seqs.at(-1) ?? 0), "lines duplicated across the rename");
  } finally {
    if (Number.isNaN(gapMs)) watch.stop();
    await daemon.stop();
    await Deno.remove(dir, { recursive: true }).catch((e) => console.error(`cleanup: ${e}`));
  }
});
