/**
 * The bare fork/exec baseline as a Driver: no daemon, no status API, just a loop that spawns the
 * same children (bare_loop.c compiled with cc at bench time, else the Deno twin bare_loop.ts).
 * Only single-program runs are supported, which is all the scenarios use.
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
  #child: Deno.ChildProcess | null = null;
  #channel: LineChannel | null = null;
  #pids = new Set<number>();
  #waiters: Array<{ word: string; resolve: () => void }> = [];
  #reading: Promise<void> = Promise.resolve();

  /** Uses the loop from `prepareBareLoop`. */
  constructor(loop: BareLoop) {
    this.#loop = loop;
  }

  /** Remembers the program; nothing runs until `startAll`. */
  launch(_dir: string, programs: ProgramSpec[]): Promise<void> {
    if (programs.length !== 1) throw new Error("bare baseline runs exactly one program");
    this.#program = programs[0]!;
    return Promise.resolve();
  }

  /** Starts the loop and resolves once it has spawned every child ("ready"). */
  async startAll(): Promise<void> {
    const p = this.#program;
    if (!p) throw new Error("bare: launch first");
    const [exe, ...pre] = this.#loop.argv;
    const args = [
      ...pre,
      String(p.numprocs),
      p.autorestart ? "1" : "0",
      String(Math.round(p.stoptime * 1000)),
      p.stdout ?? "-",
      ...p.cmd,
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
