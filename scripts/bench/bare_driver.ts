/**
 * The bare fork/exec baseline as a Driver: no daemon, no status API, just a loop that spawns the
 * same children (bare_loop.c compiled with cc at bench time, else the Deno twin bare_loop.ts).
 * The programs of a run must share one command line and settings (all the scenarios do); several
 * programs of one process each with their own stdout file become one loop with `-o` (each child
 * gets its file as stdout), no program at all is the loop alone (its memory floor).
 */
import { type Driver, type ProgramSpec, run } from "./driver.ts";
import { LineChannel } from "./line_channel.ts";
import { killGroupAndPid, track, untrack } from "./proc.ts";

/** How the baseline loop is run: a compiled C binary or the Deno fallback. */
export interface BareLoop {
  kind: "c" | "deno";
  argv: string[];
}

/** Compiles bare_loop.c into `dir` with `cc -O2` when cc exists, else returns the Deno fallback. */
export async function prepareBareLoop(dir: string): Promise<BareLoop> {
  const source = new URL("./bare_loop.c", import.meta.url).pathname;
  const binary = `${dir}/bare_loop`;
  try {
    const result = await run(["cc", "-O2", "-o", binary, source], { timeoutMs: 60_000 });
    if (result.code === 0) return { kind: "c", argv: [binary] };
    console.error(`cc failed, using the Deno loop: ${result.stderr.slice(0, 300)}`);
  } catch (error) {
    console.error(`no cc (${error}), using the Deno loop`);
  }
  const script = new URL("./bare_loop.ts", import.meta.url).pathname;
  return { kind: "deno", argv: [Deno.execPath(), "run", "-A", script] };
}

/** Driver around one bare loop process. */
export class BareDriver implements Driver {
  readonly tool = "bare" as const;
  #loop: BareLoop;
  #program: ProgramSpec | null = null;
  #dir = "";
  #outs: string[] = [];
  #count = 0;
  #child: Deno.ChildProcess | null = null;
  #channel: LineChannel | null = null;
  #pids = new Set<number>();
  #waiters: Array<{ word: string; resolve: () => void }> = [];
  #reading: Promise<void> = Promise.resolve();

  /** Uses the loop from `prepareBareLoop`. */
  constructor(loop: BareLoop) {
    this.#loop = loop;
  }

  /** Remembers the programs; nothing runs until `startAll`. */
  launch(dir: string, programs: ProgramSpec[]): Promise<void> {
    this.#dir = dir;
    const first = programs[0];
    this.#program = first ?? null;
    this.#count = programs.reduce((sum, p) => sum + p.numprocs, 0);
    if (!first || programs.length === 1) return Promise.resolve();
    const same = (p: ProgramSpec) =>
      p.numprocs === 1 && p.stdout !== null && p.cmd.join("\0") === first.cmd.join("\0") &&
      p.autorestart === first.autorestart && p.stoptime === first.stoptime && !p.health;
    if (!programs.every(same)) {
      throw new Error("bare baseline: several programs must be one logged process of one command");
    }
    this.#outs = programs.map((p) => p.stdout!);
    return Promise.resolve();
  }

  /** Starts the loop and resolves once it has spawned every child ("ready"). */
  async startAll(): Promise<void> {
    const p = this.#program;
    const [exe, ...pre] = this.#loop.argv;
    const options: string[] = [];
    if (this.#outs.length > 0) {
      const list = `${this.#dir}/bare_outs.txt`;
      await Deno.writeTextFile(list, this.#outs.join("\n") + "\n");
      options.push("-o", list);
    }
    if (p?.health) options.push("-c", String(p.health.port), "-C", String(p.health.period * 1000));
    const args = [
      ...pre,
      ...options,
      String(this.#count),
      p?.autorestart ? "1" : "0",
      String(Math.round((p?.stoptime ?? 1) * 1000)),
      this.#outs.length > 0 ? "-" : p?.stdout ?? "-",
      ...(p?.cmd ?? ["/bin/true"]),
    ];
    this.#child = new Deno.Command(exe!, {
      args,
      stdin: "piped",
      stdout: "piped",
      stderr: "inherit",
      detached: true,
    }).spawn();
    track(this.#child.pid);
    this.#channel = new LineChannel(this.#child.stdout, this.#child.stdin);
    const ready = this.#expect("ready");
    this.#reading = this.#read(this.#channel);
    await ready;
  }

  #expect(word: string): Promise<void> {
    return new Promise((resolve) => this.#waiters.push({ word, resolve }));
  }

  async #read(channel: LineChannel): Promise<void> {
    while (true) {
      const line = await channel.next(30 * 60_000);
      if (line === null) break;
      const [word, pid] = line.split(" ");
      if (word === "pid") this.#pids.add(Number(pid));
      if (word === "exit") this.#pids.delete(Number(pid));
      for (const waiter of this.#waiters.filter((w) => w.word === word)) {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  }

  /** The pids the loop reported spawned and not yet reaped. */
  runningPids(): Promise<number[]> {
    return Promise.resolve([...this.#pids]);
  }

  /** The loop's pid (0 before `startAll`). */
  daemonPid(): number {
    return this.#child?.pid ?? 0;
  }

  /** The baseline has no status command: a no-op, reported as n/a. */
  statusCli(): Promise<void> {
    return Promise.resolve();
  }

  /** Tells the loop to stop every child; resolves when it reports them all reaped. */
  async stopAll(): Promise<void> {
    if (!this.#channel) return;
    const stopped = this.#expect("stopped");
    await this.#channel.send("stop");
    await stopped;
  }

  /** Closes the loop's stdin (it stops its children and exits), then kills leftovers. */
  async close(): Promise<void> {
    const child = this.#child;
    if (!child) return;
    this.#child = null;
    const pids = [...this.#pids];
    await this.#channel?.endInput();
    const timer = setTimeout(() => killGroupAndPid(child.pid), 10_000);
    await child.status;
    clearTimeout(timer);
    await this.#reading.catch((error) => console.error(`bare loop output: ${error}`));
    for (const pid of pids) killGroupAndPid(pid);
    untrack(child.pid);
  }
}
