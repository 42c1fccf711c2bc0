/**
 * Deno fallback for the bare fork/exec baseline, used when no C compiler exists. Same command
 * line and stdin/stdout protocol as bare_loop.c (options -o, -c, -C as described there):
 *   deno run -A bare_loop.ts [-o LIST] [-c PORT] [-C PERIOD_MS] N RESPAWN STOP_MS OUTFILE CMD...
 * Deno.Command cannot hand a child a file as its stdout, so with -o each child's pipe is copied
 * into its own file.
 */
import { LineChannel } from "./line_channel.ts";
import { killGroup } from "../../src/process/kill_group.ts";

const flags = new Map<string, string>();
let rest = Deno.args;
while (rest.length >= 2 && ["-o", "-c", "-C"].includes(rest[0]!)) {
  flags.set(rest[0]!, rest[1]!);
  rest = rest.slice(2);
}
const [nText, respawnText, stopText, outFile, ...cmd] = rest;
const n = Number(nText);
const respawn = respawnText === "1";
const stopMs = Number(stopText);
const program = cmd[0];
if (!Number.isInteger(n) || n < 0 || program === undefined || outFile === undefined) {
  console.error("usage: bare_loop.ts [-o LIST] [-c PORT] [-C MS] N RESPAWN STOP_MS OUTFILE CMD...");
  Deno.exit(2);
}
const out = outFile === "-"
  ? null
  : await Deno.open(outFile, { write: true, create: true, append: true });
const outPaths = flags.has("-o")
  ? (await Deno.readTextFile(flags.get("-o")!)).split("\n").slice(0, n)
  : [];
const checkPort = Number(flags.get("-c") ?? "0");
const checkMs = Number(flags.get("-C") ?? "1000");
const children = new Map<number, Deno.ChildProcess>();
let stopping = false;
let spawns = 0;
const encoder = new TextEncoder();

function say(line: string): void {
  Deno.stdout.writeSync(encoder.encode(line + "\n"));
}

function spawn(i: number): void {
  if (++spawns > 100_000) throw new Error("spawn bound reached");
  const own = outPaths[i]
    ? Deno.openSync(outPaths[i]!, { write: true, create: true, append: true, mode: 0o640 })
    : null;
  const sink = own ?? out;
  const child = new Deno.Command(program!, {
    args: cmd.slice(1),
    stdin: "null",
    stdout: sink ? "piped" : "null",
    stderr: "null",
    detached: true,
  }).spawn();
  children.set(child.pid, child);
  say(`pid ${child.pid}`);
  const copied = sink && child.stdout ? copy(child.stdout, sink) : Promise.resolve();
  if (checkPort > 0) void checkLoop(child.pid);
  Promise.all([child.status, copied]).then(() => {
    own?.close();
    children.delete(child.pid);
    say(`exit ${child.pid}`);
    if (respawn && !stopping) spawn(i);
    else if (stopping && children.size === 0) say("stopped");
  }, (error) => console.error(`child ${child.pid}: ${error}`));
}

/**
 * Copies a child's output into `file` chunk by chunk. Not `pipeTo(file.writable)`: that stream
 * holds the bytes until it is closed here, and two children cannot pipe into one file at once.
 */
async function copy(from: ReadableStream<Uint8Array>, file: Deno.FsFile): Promise<void> {
  for await (const chunk of from) {
    for (let done = 0; done < chunk.length;) done += await file.write(chunk.subarray(done));
  }
}

/** The -c floor: connect + close for `pid` every checkMs while it lives. */
async function checkLoop(pid: number): Promise<void> {
  while (children.has(pid) && !stopping) {
    const started = performance.now();
    try {
      (await Deno.connect({ hostname: "127.0.0.1", port: checkPort })).close();
    } catch (error) {
      console.error(`check connect: ${error}`);
    }
    await new Promise((r) => setTimeout(r, Math.max(0, checkMs - (performance.now() - started))));
  }
}

function signalAll(signal: Deno.Signal): void {
  for (const pid of children.keys()) {
    killGroup(pid, signal, { onError: (_target, error) => console.error(`kill ${pid}: ${error}`) });
  }
}

async function stopAll(): Promise<void> {
  stopping = true;
  if (children.size === 0) return say("stopped");
  signalAll("SIGTERM");
  const timer = setTimeout(() => signalAll("SIGKILL"), stopMs);
  while (children.size > 0) await new Promise((resolve) => setTimeout(resolve, 1));
  clearTimeout(timer);
  stopping = false;
}

const bound = setTimeout(() => Deno.exit(1), 20 * 60_000);
for (let i = 0; i < n; i++) spawn(i);
say("ready");
const stdin = new LineChannel(Deno.stdin.readable, new WritableStream());
while (true) {
  const line = await stdin.next(20 * 60_000);
  if (line === null || line.startsWith("stop")) await stopAll();
  if (line === null) break;
}
clearTimeout(bound);
out?.close();
