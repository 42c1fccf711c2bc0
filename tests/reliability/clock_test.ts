/**
 * F17 (docs/reliability.md): wall-clock jumps under libfaketime (monotonic clock untouched, offset
 * read from a file on every call). −1 h during a starttime wait, +1 d during a stoptime wait, −1 h
 * during a crash-loop backoff: each interval, measured from outside, stays within ±10% / ±250 ms of
 * its configured value; event-log timestamps follow the (faked) wall clock.
 * Needs the `faketime` package (`apt-get install -y faketime`); skipped with a message without it.
 */
import assert from "node:assert/strict";
import { startDaemon } from "../helpers/daemon_harness.ts";
import { waitFor, waitIgnoresTerm } from "../helpers/wait_for.ts";
import { daemonConfig, statusMap } from "./lib/daemon_util.ts";

const LIB = "/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1";
const available = (() => {
  try {
    return Deno.statSync(LIB).isFile;
  } catch (_e) {
    console.log(`F17 skipped: ${LIB} missing — install it with \`apt-get install -y faketime\``);
    return false;
  }
})();

/**
 * The docs/reliability.md target: within ±10% / ±250 ms of the configured interval. Printed; on a
 * loaded machine an interval measured from outside can only grow, so only "not early" (the
 * symptom of a forward jump) is asserted, and "not hung" (the symptom of a backward jump) as a
 * deadline far from normal.
 */
function within(measured: number, want: number): boolean {
  return Math.abs(measured - want) <= Math.max(0.25, want * 0.1);
}
function notEarly(measured: number, want: number): boolean {
  return measured >= want - Math.max(0.25, want * 0.1);
}
const HUNG_S = 10;

Deno.test({
  name: "F17: wall-clock jumps change no interval (starttime, stoptime, backoff)",
  ignore: !available,
  fn: async () => {
    const offsetFile = await Deno.makeTempFile({ prefix: "tm-f17-" });
    await Deno.writeTextFile(offsetFile, "+0\n");
    const jump = (offset: string) => Deno.writeTextFile(offsetFile, `${offset}\n`);
    const daemon = await startDaemon(
      daemonConfig(
        `  slowstart:\n    cmd: /bin/sleep 1000\n    starttime: 2\n    autostart: false\n` +
          `  stubborn:\n    cmd: ["/bin/sh", "-c", "trap '' TERM; while :; do sleep 0.1; done"]\n` +
          `    starttime: 0\n    stoptime: 2\n    autostart: false\n` +
          `  looper:\n    cmd: ["/bin/sh", "-c", "sleep 0.2; exit 1"]\n    starttime: 0\n` +
          `    autorestart: true\n    autostart: false\n`,
      ),
      {
        env: {
          LD_PRELOAD: LIB,
          FAKETIME_TIMESTAMP_FILE: offsetFile,
          FAKETIME_NO_CACHE: "1",
          FAKETIME_DONT_FAKE_MONOTONIC: "1",
        },
      },
    );
    try {
      // starttime 2 s, wall clock −1 h half-way through.
      let t0 = performance.now();
      const starting = daemon.call("start", { names: ["slowstart"] });
      setTimeout(() => void jump("-1h"), 700);
      assert((await starting).ok);
      const startS = (performance.now() - t0) / 1000;
      // stoptime 2 s, wall clock +1 d half-way through.
      await daemon.call("start", { names: ["stubborn"] });
      await waitIgnoresTerm((await statusMap(daemon)).get("stubborn")!.pid!);
      t0 = performance.now();
      const stopping = daemon.call("stop", { names: ["stubborn"] });
      setTimeout(() => void jump("+1d"), 700);
      assert((await stopping).ok);
      const stopS = (performance.now() - t0) / 1000;
      const lineFrom = daemon.lines.length;
      // Crash loop: gaps 0, 1, 2 s between spawns; wall clock −1 h during the 2 s wait.
      await daemon.call("start", { names: ["looper"] });
      // Each spawn is bracketed by polls: after the send of the poll before the one that saw it
      // (`early`), before the reply of the one that saw it (`late`), whatever the poll latency.
      const spawns: number[] = [];
      const early: number[] = [];
      let lastPid: number | null = null;
      let jumped = false;
      let previousSent = performance.now();
      await waitFor(async () => {
        const sent = performance.now();
        const pid = (await statusMap(daemon)).get("looper")?.pid ?? null;
        const before = previousSent;
        previousSent = sent;
        if (pid !== null && pid !== lastPid) {
          spawns.push(performance.now());
          early.push(before);
          lastPid = pid;
          if (spawns.length === 3 && !jumped) {
            jumped = true;
            setTimeout(() => void jump("-1h"), 500); // inside the 2 s backoff that follows
          }
        }
        return spawns.length >= 4;
      }, { timeoutMs: 3 * HUNG_S * 1000, intervalMs: 10, what: "four looper spawns" });
      // Exit after 0.2 s, then restart after the delay: gap = 0.2 + delay.
      const delays = spawns.slice(1).map((t, i) => (t - (spawns[i] ?? 0)) / 1000 - 0.2);
      // The longest each delay can have been (the child's 0.2 s run only makes a gap longer).
      const most = spawns.slice(1).map((t, i) => (t - (early[i] ?? 0)) / 1000 - 0.2);
      const stamped = daemon.lines.slice(lineFrom).find((l) => /^\d{4}-/.test(l)) ?? "";
      const shownDay = Date.parse(stamped.split(" ")[0] ?? "");
      const aheadH = (shownDay - Date.now()) / 3_600_000;
      console.log(
        `F17: starttime 2 s with −1 h jump → RUNNING after ${startS.toFixed(2)} s; stoptime ` +
          `2 s with +1 d jump → STOPPED after ${stopS.toFixed(2)} s; backoff delays ` +
          `${delays.map((d) => d.toFixed(2)).join(", ")} s (want 0, 1, 2; −1 h during the 2 s); ` +
          `event timestamps ${aheadH.toFixed(1)} h ahead of real time after the +1 d jump`,
      );
      const met = within(startS, 2) && within(stopS, 2) &&
        [0, 1, 2].every((want, i) => within(delays[i] ?? NaN, want));
      console.log(`F17 target: every interval within ±10% / ±250 ms ${met ? "met" : "MISSED"}`);
      assert(notEarly(startS, 2), `starttime interval ${startS.toFixed(2)} s: cut short`);
      assert(startS <= 2 + HUNG_S, `starttime interval ${startS.toFixed(2)} s: hung`);
      assert(notEarly(stopS, 2), `stoptime interval ${stopS.toFixed(2)} s: cut short`);
      assert(stopS <= 2 + HUNG_S, `stoptime interval ${stopS.toFixed(2)} s: hung`);
      [0, 1, 2].forEach((want, i) =>
        assert(notEarly(most[i] ?? NaN, want), `backoff ${i}: at most ${most[i]?.toFixed(2)} s`)
      );
      assert(aheadH > 20, `timestamps do not follow the wall clock (${aheadH.toFixed(1)} h)`);
    } finally {
      await daemon.stop();
      await Deno.remove(offsetFile);
    }
  },
});
