/**
 * F10 (docs/reliability.md) on a real taskmasterd: which pids a reload changes. A's env changes (A
 * restarts), B is added, C is removed (stopped with its own stopsignal, USR1), D goes 3 → 5 → 3
 * (two new, then the two highest stopped; the first three untouched), E is unchanged, and a
 * cosmetic edit (comments, key order, quoting) restarts nothing.
 */
import assert from "node:assert/strict";
import { startDaemon } from "../helpers/daemon_harness.ts";
import { waitFor } from "../helpers/wait_for.ts";
import { daemonConfig, statusMap } from "./lib/daemon_util.ts";
import type { ReloadResult } from "../../src/protocol/types.ts";

const SLEEP = `/bin/sleep 1000`;

Deno.test("F10: reload restarts only A, starts B, stops C with USR1, D 3→5→3, cosmetic edit is a no-op", async () => {
  const marks = await Deno.makeTempDir({ prefix: "tm-f10-" });
  const c = `  C:\n    cmd: ["/bin/sh", "-c", "trap 'echo usr1 > ${marks}/c; exit 0' USR1; ` +
    `while :; do sleep 0.1; done"]\n    stopsignal: USR1\n    starttime: 0\n`;
  const v1 = daemonConfig(
    `  A:\n    cmd: ${SLEEP}\n    env: {X: "1"}\n    starttime: 0\n${c}` +
      `  D:\n    cmd: ${SLEEP}\n    numprocs: 3\n    starttime: 0\n` +
      `  E:\n    cmd: ${SLEEP}\n    starttime: 0\n`,
  );
  const v2 = (numprocs: number) =>
    daemonConfig(
      `  A:\n    cmd: ${SLEEP}\n    env: {X: "2"}\n    starttime: 0\n` +
        `  B:\n    cmd: ${SLEEP}\n    starttime: 0\n` +
        `  D:\n    cmd: ${SLEEP}\n    numprocs: ${numprocs}\n    starttime: 0\n` +
        `  E:\n    cmd: ${SLEEP}\n    starttime: 0\n`,
    );
  // Same meaning as v2(3): comments, other key order, quoted scalars, flow style.
  const cosmetic = `# cosmetic edit\ntaskmaster: {http: false}\nprograms:\n` +
    `  A: {starttime: 0, env: {X: "2"}, cmd: "${SLEEP}"}\n  # a comment\n` +
    `  B:\n    starttime: 0\n    cmd: '${SLEEP}'\n` +
    `  D:\n    numprocs: 3\n    starttime: 0.0\n    cmd: ${SLEEP}\n` +
    `  E:\n    cmd: [/bin/sleep, "1000"]\n    starttime: 0\n`;
  const daemon = await startDaemon(v1);
  const running = (names: string[]) =>
    waitFor(async () => {
      const m = await statusMap(daemon);
      return names.every((n) => m.get(n)?.state === "RUNNING") ? m : null;
    }, { what: `${names} RUNNING` });
  const reload = async (text: string) => {
    await daemon.writeConfig(text);
    const reply = await daemon.call("reload", {});
    assert(reply.ok, JSON.stringify(reply));
    return reply.result as ReloadResult;
  };
  try {
    const s1 = await running(["A", "C", "D:0", "D:1", "D:2", "E"]);
    const r2 = await reload(v2(5));
    const s2 = await running(["A", "B", "D:0", "D:1", "D:2", "D:3", "D:4", "E"]);
    const cMark = await waitFor(() => Deno.readTextFile(`${marks}/c`).catch(() => ""), {
      what: "C got USR1",
    });
    const r3 = await reload(v2(3));
    const s3 = await running(["A", "B", "D:0", "D:1", "D:2", "E"]);
    const r4 = await reload(cosmetic);
    const s4 = await running(["A", "B", "D:0", "D:1", "D:2", "E"]);
    const same = (a: typeof s1, b: typeof s1, n: string) => a.get(n)?.pid === b.get(n)?.pid;
    console.log(
      `F10: reload 1 ${JSON.stringify(r2)}; A ${same(s1, s2, "A") ? "kept" : "restarted"}, ` +
        `C got "${cMark.trim()}", D:0-2 ${
          ["D:0", "D:1", "D:2"].every((n) => same(s1, s2, n)) ? "kept" : "CHANGED"
        }; reload 2 ${JSON.stringify(r3)}, D names ${
          [...s3.keys()].filter((n) => n.startsWith("D")).join(",")
        }; cosmetic ${JSON.stringify(r4)}, pids ${
          [...s3.keys()].every((n) => same(s3, s4, n)) ? "all kept" : "CHANGED"
        }`,
    );
    assert.notEqual(s2.get("A")?.pid, s1.get("A")?.pid, "A not restarted");
    assert.equal(s2.has("C"), false, "C still listed");
    assert.equal(cMark.trim(), "usr1");
    for (const n of ["D:0", "D:1", "D:2", "E"]) assert(same(s1, s2, n), `${n} restarted`);
    for (const n of ["A", "B", "D:0", "D:1", "D:2", "E"]) assert(same(s2, s3, n), `${n} (5→3)`);
    assert.deepEqual([...s3.keys()].filter((n) => n.startsWith("D")), ["D:0", "D:1", "D:2"]);
    assert.deepEqual(r2.added, ["B"]);
    assert.deepEqual(r2.removed, ["C"]);
    assert(r2.changed.includes("A") && r2.changed.includes("D"), JSON.stringify(r2));
    assert(r2.unchanged.includes("E"));
    assert.deepEqual([r4.added, r4.changed, r4.removed], [[], [], []], "cosmetic edit changed");
    for (const n of s3.keys()) assert(same(s3, s4, n), `${n} restarted by a cosmetic edit`);
  } finally {
    await daemon.stop();
    await Deno.remove(marks, { recursive: true });
  }
});
