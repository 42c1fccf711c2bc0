/**
 * Memory probe for the daemon alone (no peers): starts `main.ts` on a config of N `sleep`
 * children, waits until all are RUNNING, then prints VmRSS and Pss of the deno process right
 * away and again after a pause (garbage of the spawn burst collected or not).
 *
 *   deno run -A scripts/bench/mem_probe.ts [--children 500] [--stdout none|file] [--settle 10]
 *     [--v8-flags=...] [--reps 1]
 */
import { parseArgs } from "node:util";
import { UnixHttp } from "./unix_http.ts";

const args = parseArgs({
  options: {
    children: { type: "string", default: "500" },
    stdout: { type: "string", default: "none" },
    settle: { type: "string", default: "10" },
    "v8-flags": { type: "string", default: "" },
    reps: { type: "string", default: "1" },
    http: { type: "boolean", default: false },
    email: { type: "boolean", default: false },
  },
});
const root = new URL("../../", import.meta.url).pathname;
const children = Number(args.values.children);

/** Reads VmRSS (status) and Pss (smaps_rollup) of `pid` in KiB. */
function memory(pid: number): { rss: number; pss: number } {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  const rollup = Deno.readTextFileSync(`/proc/${pid}/smaps_rollup`);
  const rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
  const pss = Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1]);
  return { rss, pss };
}

async function once(): Promise<void> {
  const dir = Deno.makeTempDirSync({ prefix: "tm-mem-" });
  const socket = `${dir}/tm.sock`;
  const stdout = args.values.stdout === "file" ? `${dir}/out-%(process_num)s.log` : "none";
  const daemon: Record<string, unknown> = {
    socket,
    http: args.values.http ? { host: "127.0.0.1", port: 0 } : false,
  };
  if (args.values.email) {
    daemon.email = { to: ["root@localhost"] };
    daemon.smtp = { host: "127.0.0.1", port: 2525 };
  }
  const config = {
    taskmaster: daemon,
    programs: children === 0 ? {} : {
      s: {
        cmd: "sleep 3600",
        numprocs: children,
        autostart: true,
        starttime: 0,
        stdout,
        stderr: "none",
      },
    },
  };
  Deno.writeTextFileSync(`${dir}/t.yaml`, JSON.stringify(config));
  const flags = args.values["v8-flags"] ? [`--v8-flags=${args.values["v8-flags"]}`] : [];
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", ...flags, `${root}main.ts`, "-c", `${dir}/t.yaml`],
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const api = new UnixHttp(socket);
  const t0 = performance.now();
  try {
    while (true) {
      if (performance.now() - t0 > 60_000) throw new Error("timeout");
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
      `children=${children} stdout=${args.values.stdout} ready=${spawnMs.toFixed(0)}ms ` +
        `+1s rss=${early.rss} pss=${early.pss}  +${args.values.settle}s rss=${late.rss} pss=${late.pss}`,
    );
  } finally {
    api.close();
    child.kill("SIGTERM");
    await child.stderr.cancel();
    await child.status;
    Deno.removeSync(dir, { recursive: true });
  }
}

for (let i = 0; i < Number(args.values.reps); i++) await once();
