/**
 * supervisord (Debian package `supervisor`) as a benchmark peer: a private instance with its own
 * config, unix socket and pidfile under the run's temp dir — never the system service.
 * Start grace 0 (`startsecs=0`); restarts are immediate by default.
 */
import {
  closeDaemon,
  type Driver,
  type ProgramSpec,
  refuseHealth,
  run,
  spawnDaemon,
} from "./driver.ts";
import { pollUntil } from "./stats.ts";
import { rawUnixPost } from "./unix_http.ts";

/** Returns supervisord's version, or null when it is not installed. */
export async function supervisordVersion(): Promise<string | null> {
  try {
    const result = await run(["supervisord", "--version"], { timeoutMs: 10_000 });
    return result.code === 0 ? result.stdout.trim() : null;
  } catch {
    return null; // not installed (NotFound from spawn)
  }
}

function programSection(p: ProgramSpec): string {
  // supervisord splits `command` like a shell; every argv word is quoted for it.
  const command = p.cmd.map((word) => `'${word.replaceAll("'", `'"'"'`)}'`).join(" ");
  return [
    `[program:${p.name}]`,
    `command=${command.replaceAll("%", "%%")}`,
    `numprocs=${p.numprocs}`,
    `process_name=%(program_name)s_%(process_num)d`,
    "autostart=false",
    `autorestart=${p.autorestart}`,
    "startsecs=0",
    "startretries=3",
    "stopsignal=TERM",
    `stopwaitsecs=${p.stoptime}`,
    "stopasgroup=true",
    "killasgroup=true",
    `stdout_logfile=${p.stdout ?? "NONE"}`,
    "stdout_logfile_maxbytes=0",
    "stderr_logfile=NONE",
    "",
  ].join("\n");
}

/** Driver for a private supervisord instance. */
export class SupervisordDriver implements Driver {
  readonly tool = "supervisord" as const;
  #child: Deno.ChildProcess | null = null;
  #conf = "";
  #socket = "";

  /** Writes supervisord.conf into `dir` and starts `supervisord -n`; resolves once RPC answers. */
  async launch(dir: string, programs: ProgramSpec[]): Promise<void> {
    refuseHealth(this.tool, programs);
    const socket = `${dir}/supervisor.sock`;
    this.#socket = socket;
    this.#conf = `${dir}/supervisord.conf`;
    const text = [
      "[unix_http_server]",
      `file=${socket}`,
      "chmod=0700",
      "[supervisord]",
      `logfile=${dir}/supervisord.log`,
      "logfile_maxbytes=0",
      "loglevel=warn",
      `pidfile=${dir}/supervisord.pid`,
      "nodaemon=true",
      "minfds=4096",
      `childlogdir=${dir}`,
      "[rpcinterface:supervisor]",
      "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface",
      "[supervisorctl]",
      `serverurl=unix://${socket}`,
      "",
      ...programs.map(programSection),
    ].join("\n");
    await Deno.writeTextFile(this.#conf, text);
    this.#child = spawnDaemon(
      ["supervisord", "-n", "-c", this.#conf],
      `${dir}/supervisord.console.log`,
    );
    await pollUntil(
      "supervisord RPC",
      async () => {
        return (await this.#call("supervisor.getState")).includes("RUNNING");
      },
      15_000,
      20,
    );
  }

  #call(method: string): Promise<string> {
    const body = `<?xml version="1.0"?><methodCall><methodName>${method}</methodName>` +
      "<params></params></methodCall>";
    return rawUnixPost(this.#socket, "/RPC2", body, "text/xml");
  }

  /** `supervisorctl start all`. */
  async startAll(): Promise<void> {
    await run(["supervisorctl", "-c", this.#conf, "start", "all"], { timeoutMs: 120_000 });
  }

  /** RUNNING pids from the XML-RPC `supervisor.getAllProcessInfo`. */
  async runningPids(): Promise<number[]> {
    const xml = await this.#call("supervisor.getAllProcessInfo");
    const pids: number[] = [];
    for (const struct of xml.split("<struct>").slice(1)) {
      const state = /<name>statename<\/name>\s*<value><string>(\w+)</.exec(struct)?.[1];
      const pid = /<name>pid<\/name>\s*<value><int>(\d+)</.exec(struct)?.[1];
      if (state === "RUNNING" && pid !== undefined && pid !== "0") pids.push(Number(pid));
    }
    return pids;
  }

  /** supervisord's own pid (it runs in the foreground as our child). */
  daemonPid(): number {
    if (!this.#child) throw new Error("supervisord not launched");
    return this.#child.pid;
  }

  /** `supervisorctl status` (exit 3 when some process is not RUNNING is fine). */
  async statusCli(): Promise<void> {
    const result = await run(["supervisorctl", "-c", this.#conf, "status"], { timeoutMs: 60_000 });
    if (result.stdout.length === 0) throw new Error(`supervisorctl status: ${result.stderr}`);
  }

  /** `supervisorctl stop all`. */
  async stopAll(): Promise<void> {
    await run(["supervisorctl", "-c", this.#conf, "stop", "all"], { timeoutMs: 120_000 });
  }

  /** SIGTERM to supervisord (it stops its children), then kill leftovers. */
  async close(): Promise<void> {
    const child = this.#child;
    if (!child) return;
    this.#child = null;
    await closeDaemon(child, () => {
      child.kill("SIGTERM");
      return Promise.resolve();
    });
  }
}
