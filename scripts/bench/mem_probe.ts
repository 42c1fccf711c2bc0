/**
 * Memory probe for the daemon alone (no peers): starts `main.ts` on a config of N `sleep`
 * children, waits until all are RUNNING, then prints VmRSS, RssAnon and Pss of the deno process
 * right away and again after a pause (garbage of the spawn burst collected or not), and the
 * medians over the reps.
 *
 *   deno run -A scripts/bench/mem_probe.ts [--children 500] [--stdout none|file]
 *     [--layout numprocs|programs] [--settle 10] [--v8-flags=...] [--reps 1]
 *     [--snapshot FILE.heapsnapshot]
 *
 * `--layout programs` writes N separate programs, each logging to its own file
 * (`stdout: DIR/prog_N.log`), as a hand-written config would; `numprocs` (default) one program
 * with `numprocs: N`. `--snapshot` runs the daemon through a wrapper that writes a V8 heap
 * snapshot (node:v8, which loads the Node compat layer: compare figures without it).
 */
import { parseArgs } from "node:util";
import { UnixHttp } from "./unix_http.ts";

const args = parseArgs({
  options: {
    children: { type: "string", default: "500" },
    stdout: { type: "string", default: "none" },
    layout: { type: "string", default: "numprocs" },
    settle: { type: "string", default: "10" },
    "v8-flags": { type: "string", default: "" },
    reps: { type: "string", default: "1" },
    snapshot: { type: "string", default: "" },
    gc: { type: "boolean", default: false },
    http: { type: "boolean", default: false },
    email: { type: "boolean", default: false },
  },
});
const root = new URL("../../", import.meta.url).pathname;
const children = Number(args.values.children);

interface Memory {
  rss: number;
  anon: number;
  pss: number;
}

/** Reads VmRSS, RssAnon (status) and Pss (smaps_rollup) of `pid` in KiB. */
function memory(pid: number): Memory {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  const rollup = Deno.readTextFileSync(`/proc/${pid}/smaps_rollup`);
  const rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
  const anon = Number(/RssAnon:\s+(\d+)/.exec(status)?.[1]);
  const pss = Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1]);
  return { rss, anon, pss };
}

function programs(dir: string): Record<string, unknown> {
  if (children === 0) return {};
  const file = args.values.stdout === "file";
  if (args.values.layout === "programs") {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < children; i++) {
      out[`prog_${i}`] = {
        cmd: "/bin/sleep 3600",
        autostart: true,
        starttime: 0,
        stdout: file ? `${dir}/prog_${i}.log` : "none",
        stderr: "none",
      };
    }
    return out;
  }
  return {
    s: {
      cmd: "sleep 3600",
      numprocs: children,
      autostart: true,
      starttime: 0,
      stdout: file ? `${dir}/out-%(process_num)s.log` : "none",
      stderr: "none",
    },
  };
}

/** A daemon entry that also writes a heap snapshot when `FILE.trigger` appears. */
function snapshotEntry(dir: string, target: string): string {
  const entry = `${dir}/snap_main.ts`;
  Deno.writeTextFileSync(
    entry,
    `import v8 from "node:v8";
import { runDaemonCli } from "${root}src/cli.ts";
const timer = setInterval(() => {
  try { Deno.statSync(${JSON.stringify(target + ".trigger")}); } catch { return; }
  Deno.removeSync(${JSON.stringify(target + ".trigger")});
  if (${args.values.gc}) (globalThis as unknown as { gc(): void }).gc();
  const spaces = v8.getHeapSpaceStatistics().map((s) =>
    \`\${s.space_name} size=\${s.space_size >> 10} used=\${s.space_used_size >> 10} phys=\${s.physical_space_size >> 10}\`
  );
  Deno.writeTextFileSync(${JSON.stringify(target + ".txt")},
    JSON.stringify(Deno.memoryUsage()) + "\\n" + spaces.join("\\n") + "\\n");
  v8.writeHeapSnapshot(${JSON.stringify(target)});
  Deno.writeTextFileSync(${JSON.stringify(target + ".done")}, "");
}, 200);
Deno.unrefTimer(timer);
Deno.exit(await runDaemonCli(Deno.args));
`,
  );
  return entry;
}

async function once(): Promise<{ early: Memory; late: Memory }> {
  const dir = Deno.makeTempDirSync({ prefix: "tm-mem-" });
  const socket = `${dir}/tm.sock`;
  const daemon: Record<string, unknown> = {
    socket,
    http: args.values.http ? { host: "127.0.0.1", port: 0 } : false,
  };
  if (args.values.email) {
    daemon.email = { to: ["root@localhost"] };
    daemon.smtp = { host: "127.0.0.1", port: 2525 };
  }
  const config = { taskmaster: daemon, programs: programs(dir) };
  Deno.writeTextFileSync(`${dir}/t.yaml`, JSON.stringify(config));
  const flags = args.values["v8-flags"] ? [`--v8-flags=${args.values["v8-flags"]}`] : [];
  const snapshot = args.values.snapshot;
  // The wrapper lives outside the repo: point it at the repo's import map.
  const entry = snapshot
    ? ["--config", `${root}deno.json`, snapshotEntry(dir, snapshot)]
    : [`${root}main.ts`];
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", ...flags, ...entry, "-c", `${dir}/t.yaml`],
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const api = new UnixHttp(socket);
  const t0 = performance.now();
  try {
    while (true) {
      if (performance.now() - t0 > 120_000) throw new Error("timeout");
      try {
        const reply = JSON.parse(await api.post("/v1/status", "{}", "application/json"));
        const list = reply.result as { state: string }[];
        if (list.length === children && list.every((e) => e.state === "RUNNING")) break;
      } catch {
        // socket not up yet
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    const spawnMs = performance.now() - t0;
    await new Promise((r) => setTimeout(r, 1000));
    const early = memory(child.pid);
    await new Promise((r) => setTimeout(r, Number(args.values.settle) * 1000));
    const late = memory(child.pid);
    console.log(
      `children=${children} stdout=${args.values.stdout} layout=${args.values.layout} ` +
        `ready=${spawnMs.toFixed(0)}ms +1s rss=${early.rss} anon=${early.anon} ` +
        `pss=${early.pss}  +${args.values.settle}s rss=${late.rss} anon=${late.anon} ` +
        `pss=${late.pss}`,
    );
    if (snapshot) {
      Deno.writeTextFileSync(`${snapshot}.trigger`, "");
      while (true) {
        try {
          Deno.removeSync(`${snapshot}.done`);
          break;
        } catch {
          await new Promise((r) => setTimeout(r, 200));
        }
      }
    }
    return { early, late };
  } finally {
    api.close();
    child.kill("SIGTERM");
    await child.stderr.cancel();
    await child.status;
    Deno.removeSync(dir, { recursive: true });
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const runs: { early: Memory; late: Memory }[] = [];
for (let i = 0; i < Number(args.values.reps); i++) runs.push(await once());
if (runs.length > 1) {
  const line = (key: keyof Memory, at: "early" | "late") => {
    const values = runs.map((run) => run[at][key]);
    return `${key}=${median(values)} (${Math.min(...values)}–${Math.max(...values)})`;
  };
  console.log(
    `median +1s ${line("rss", "early")} ${line("anon", "early")} ${line("pss", "early")}` +
      `  +${args.values.settle}s ${line("rss", "late")} ${line("anon", "late")} ` +
      `${line("pss", "late")}`,
  );
}
