/**
 * Taskmaster as a benchmarked tool, driven only through its external contract (docs/cli.md,
 * docs/config.md): `deno run -A main.ts -c FILE` (block-style YAML) in the foreground, the controller
 * `ctl/main.ts -s SOCKET`, and `POST /v1/status` over the unix socket for polling. Start grace 0
 * (`starttime: 0`) and immediate restarts (`maxrestartdelay: 0`).
 */
import { closeDaemon, type Driver, type ProgramSpec, run, spawnDaemon } from "./driver.ts";
import { pollUntil } from "./stats.ts";
import { UnixHttp } from "./unix_http.ts";
import { stringify } from "yaml";

/** `deno task ctl`'s permissions: the cold-CLI rows run the controller exactly as users do. */
const CTL_FLAGS = ["--allow-read", "--allow-write", "--allow-env", "--allow-net"];

/** Returns `taskmasterd --version` output from the repo at `root`, or null if it does not run. */
export async function taskmasterVersion(root: string): Promise<string | null> {
  try {
    const result = await run([Deno.execPath(), "run", "-A", `${root}/main.ts`, "--version"], {
      timeoutMs: 60_000,
    });
    return result.code === 0 ? result.stdout.trim() : null;
  } catch (error) {
    console.error(`taskmaster --version: ${error}`);
    return null;
  }
}

interface StatusEntry {
  state?: unknown;
  pid?: unknown;
  health?: { state?: unknown } | null;
}

/** Driver for one Taskmaster daemon run from the repo at `root`. */
export class TaskmasterDriver implements Driver {
  readonly tool = "taskmaster" as const;
  #root: string;
  #socket = "";
  #config = "";
  #empty = "";
  #child: Deno.ChildProcess | null = null;
  #api: UnixHttp | null = null;

  /** `root` is the repo folder holding main.ts and ctl/main.ts. */
  constructor(root: string) {
    this.#root = root;
  }

  /** Writes taskmaster.yaml into `dir`, starts the daemon, waits for its API. */
  async launch(dir: string, programs: ProgramSpec[]): Promise<void> {
    this.#socket = `${dir}/tm.sock`;
    const config = {
      taskmaster: { socket: this.#socket, http: false },
      programs: Object.fromEntries(programs.map((p) => [p.name, {
        cmd: p.cmd,
        numprocs: p.numprocs,
        autostart: false,
        autorestart: p.autorestart,
        starttime: 0,
        maxrestartdelay: 0,
        stopsignal: "TERM",
        stoptime: p.stoptime,
        stdout: p.stdout ?? "none",
        stderr: "none",
        logmaxbytes: 0, // no rotation, like supervisord `stdout_logfile_maxbytes=0` here
        // docs/checks.md: tcp on 127.0.0.1, other keys at their defaults.
        ...(p.health ? { health: { tcp: p.health.port, period: p.health.period } } : {}),
      }])),
    };
    const file = `${dir}/taskmaster.yaml`;
    // Block-style YAML, as operators write it: `taskmasterctl -c` reads this very file.
    // No anchors/aliases for objects the specs share (one `cmd` array for 500 programs).
    await Deno.writeTextFile(file, stringify(config, { aliasDuplicateObjects: false }));
    this.#config = file;
    this.#empty = `${dir}/empty.ts`;
    await Deno.writeTextFile(this.#empty, "");
    const console = `${dir}/taskmasterd.console.log`;
    this.#child = spawnDaemon(
      [Deno.execPath(), "run", "-A", `${this.#root}/main.ts`, "-c", file],
      console,
    );
    this.#api = new UnixHttp(this.#socket);
    try {
      await pollUntil(
        "taskmasterd socket",
        async () => {
          await this.#status();
          return true;
        },
        30_000,
        20,
      );
    } catch (error) {
      // The daemon's own words say why it did not come up; the temp dir is gone afterwards.
      const said = await Deno.readTextFile(console).catch(() => "");
      throw new Error(
        `${error instanceof Error ? error.message : error}; console: ${said.slice(-600)}`,
      );
    }
  }

  async #status(): Promise<StatusEntry[]> {
    if (!this.#api) throw new Error("taskmaster not launched");
    const reply: unknown = JSON.parse(await this.#api.post("/v1/status", "{}", "application/json"));
    const result = (reply as { ok?: unknown; result?: unknown }).result;
    if (!Array.isArray(result)) throw new Error(`status reply: ${JSON.stringify(reply)}`);
    return result as StatusEntry[];
  }

  #ctl(args: string[]): string[] {
    return [Deno.execPath(), "run", "-A", `${this.#root}/ctl/main.ts`, "-s", this.#socket, ...args];
  }

  /** `taskmasterctl start all`. */
  async startAll(): Promise<void> {
    await run(this.#ctl(["start", "all"]), { timeoutMs: 120_000, check: true });
  }

  /** RUNNING pids from `POST /v1/status`. */
  async runningPids(): Promise<number[]> {
    return (await this.#status())
      .filter((e) => e.state === "RUNNING" && typeof e.pid === "number")
      .map((e) => e.pid as number);
  }

  /** Processes whose health is `healthy` in `POST /v1/status`. */
  async healthyCount(): Promise<number> {
    return (await this.#status()).filter((e) => e.health?.state === "healthy").length;
  }

  /** taskmasterd's pid (the foreground `deno` process). */
  daemonPid(): number {
    if (!this.#child) throw new Error("taskmaster not launched");
    return this.#child.pid;
  }

  /** `taskmasterctl status`. */
  async statusCli(): Promise<void> {
    await run(this.#ctl(["status"]), { timeoutMs: 60_000, check: true });
  }

  /**
   * `status` found through `-c CONFIG` (the quick socket scan), `status --json` through `-s`, and
   * an empty `deno run` as the floor both stand on.
   */
  coldCli(): Record<string, () => Promise<void>> {
    const deno = Deno.execPath();
    const ctl = `${this.#root}/ctl/main.ts`;
    const timed = (argv: string[]) => async () => {
      await run(argv, { timeoutMs: 60_000, check: true });
    };
    return {
      status_500_config_ms: timed([deno, "run", ...CTL_FLAGS, ctl, "-c", this.#config, "status"]),
      status_500_socket_json_ms: timed([
        deno,
        "run",
        ...CTL_FLAGS,
        ctl,
        "-s",
        this.#socket,
        "status",
        "--json",
      ]),
      deno_floor_ms: timed([deno, "run", this.#empty]),
    };
  }

  /** `taskmasterctl stop all`. */
  async stopAll(): Promise<void> {
    await run(this.#ctl(["stop", "all"]), { timeoutMs: 120_000, check: true });
  }

  /** SIGTERM (docs/lifecycle.md "Shutdown": stops every program, exits 0), then kill leftovers. */
  async close(): Promise<void> {
    const child = this.#child;
    this.#api?.close();
    this.#api = null;
    if (!child) return;
    this.#child = null;
    await closeDaemon(child, () => {
      child.kill("SIGTERM");
      return Promise.resolve();
    });
  }
}
