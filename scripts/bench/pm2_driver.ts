/**
 * PM2 (npm `pm2`) as a benchmark peer: a private daemon under its own PM2_HOME in the run's temp
 * dir, apps in fork mode with `interpreter: none`, `min_uptime` at its schema minimum (100 ms),
 * `restart_delay: 0`, and SIGTERM as the stop signal (PM2_KILL_SIGNAL) like the other tools.
 */
import { type Driver, type ProgramSpec, refuseHealth, run } from "./driver.ts";
import { LineChannel } from "./line_channel.ts";
import { descendants, killGroupAndPid, pidAlive, track, untrack, waitGone } from "./proc.ts";

/** Returns `{version, module}` of the global pm2, or null when it is not installed. */
export async function pm2Install(): Promise<{ version: string; module: string } | null> {
  try {
    // Not `pm2 --version`: that starts a PM2 daemon as a side effect.
    const root = await run(["npm", "root", "-g"], { timeoutMs: 30_000 });
    if (root.code !== 0) return null;
    const module = `${root.stdout.trim()}/pm2`;
    const manifest: unknown = JSON.parse(await Deno.readTextFile(`${module}/package.json`));
    const version = (manifest as { version?: unknown }).version;
    await Deno.stat("/usr/bin/pm2").catch(() => run(["pm2", "--help"], { check: false }));
    return typeof version === "string" ? { version, module } : null;
  } catch {
    return null; // npm or pm2 missing
  }
}

/** Driver for a private PM2 daemon. */
export class Pm2Driver implements Driver {
  readonly tool = "pm2" as const;
  #module: string;
  #env: Record<string, string> = {};
  #ecosystem = "";
  #daemonPid = 0;
  #probe: Deno.ChildProcess | null = null;
  #channel: LineChannel | null = null;

  /** `module` is the path of the global pm2 package (for the probe's `require`). */
  constructor(module: string) {
    this.#module = module;
  }

  /** Starts the PM2 daemon (`pm2 ping`) under `dir/home` and connects the status probe. */
  async launch(dir: string, programs: ProgramSpec[]): Promise<void> {
    refuseHealth(this.tool, programs);
    this.#env = { PM2_HOME: `${dir}/home`, PM2_KILL_SIGNAL: "SIGTERM" };
    this.#ecosystem = `${dir}/ecosystem.json`;
    const apps = programs.flatMap((p) =>
      Array.from({ length: p.numprocs }, (_, i) => ({
        name: p.numprocs === 1 ? p.name : `${p.name}-${i}`,
        script: p.cmd[0],
        args: p.cmd.slice(1),
        interpreter: "none",
        exec_mode: "fork",
        autorestart: p.autorestart,
        min_uptime: 100,
        max_restarts: 1_000_000,
        restart_delay: 0,
        kill_timeout: p.stoptime * 1000,
        out_file: p.stdout ?? "/dev/null",
        error_file: "/dev/null",
        merge_logs: true,
        watch: false,
        vizion: false,
        pmx: false,
        automation: false,
      }))
    );
    await Deno.writeTextFile(this.#ecosystem, JSON.stringify({ apps }, null, 1));
    await this.#pm2(["ping"], 60_000);
    this.#daemonPid = Number((await Deno.readTextFile(`${dir}/home/pm2.pid`)).trim());
    track(this.#daemonPid);
    this.#probe = new Deno.Command("node", {
      args: [new URL("./pm2_probe.cjs", import.meta.url).pathname, this.#module],
      env: this.#env,
      stdin: "piped",
      stdout: "piped",
      stderr: "inherit",
      detached: true,
    }).spawn();
    track(this.#probe.pid);
    this.#channel = new LineChannel(this.#probe.stdout, this.#probe.stdin);
    const hello = await this.#channel.next(30_000);
    if (hello !== "ready") throw new Error(`pm2 probe said ${hello}`);
  }

  async #pm2(args: string[], timeoutMs: number): Promise<void> {
    await run(["pm2", ...args], { env: this.#env, timeoutMs, check: true });
  }

  /** `pm2 start ecosystem.json`. */
  async startAll(): Promise<void> {
    await this.#pm2(["start", this.#ecosystem], 300_000);
  }

  /** Online pids from PM2's list RPC (the probe's persistent connection). */
  async runningPids(): Promise<number[]> {
    if (!this.#channel) throw new Error("pm2 not launched");
    await this.#channel.send("list");
    const line = await this.#channel.next(60_000);
    const parsed: unknown = JSON.parse(line ?? "null");
    if (!Array.isArray(parsed)) throw new Error(`pm2 probe: ${line}`);
    return parsed.map(Number);
  }

  /** The PM2 God daemon's pid (from PM2_HOME/pm2.pid). */
  daemonPid(): number {
    return this.#daemonPid;
  }

  /** `pm2 jlist`. */
  async statusCli(): Promise<void> {
    const result = await run(["pm2", "jlist"], { env: this.#env, timeoutMs: 60_000, check: true });
    if (!result.stdout.includes("[")) throw new Error("pm2 jlist printed no list");
  }

  /** `pm2 stop all`. */
  async stopAll(): Promise<void> {
    await this.#pm2(["stop", "all"], 300_000);
  }

  /** `pm2 kill`, then SIGKILL for anything left of the daemon's tree and the probe. */
  async close(): Promise<void> {
    const leftovers = this.#daemonPid > 0 && pidAlive(this.#daemonPid)
      ? descendants(this.#daemonPid)
      : [];
    if (this.#channel) await this.#channel.close();
    this.#channel = null;
    if (this.#probe) {
      killGroupAndPid(this.#probe.pid);
      await this.#probe.status;
      untrack(this.#probe.pid);
      this.#probe = null;
    }
    if (this.#daemonPid > 0) {
      try {
        await this.#pm2(["kill"], 30_000);
      } catch (error) {
        console.error(`pm2 kill: ${error}`);
      }
      await waitGone([this.#daemonPid], 5_000);
      killGroupAndPid(this.#daemonPid);
      untrack(this.#daemonPid);
      this.#daemonPid = 0;
    }
    for (const pid of leftovers) killGroupAndPid(pid);
  }
}
