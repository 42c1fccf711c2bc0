/**
 * Deno fallback for the bare fork/exec baseline, used when no C compiler exists. Same command
 * line and stdin/stdout protocol as bare_loop.c:
 *   deno run -A bare_loop.ts N RESPAWN STOP_MS OUTFILE CMD [ARGS...]
 */
import { LineChannel } from "./line_channel.ts";
import { killGroup } from "../../src/process/kill_group.ts";

const [nText, respawnText, stopText, outFile, ...cmd] = Deno.args;
const n = Number(nText);
const respawn = respawnText === "1";
const stopMs = Number(stopText);
const program = cmd[0];
if (!Number.isInteger(n) || n < 1 || program === undefined || outFile === undefined) {
  console.error("usage: bare_loop.ts N RESPAWN STOP_MS OUTFILE CMD...");
  Deno.exit(2);
}
const out = outFile === "-"
  ? null
  : await Deno.open(outFile, { write: true, create: true, append: true });
const children = new Map<number, Deno.ChildProcess>();
let stopping = false;
let spawns = 0;
const encoder = new TextEncoder();

function say(line: string): void {
  Deno.stdout.writeSync(encoder.encode(line + "\n"));
}

function spawn(): void {
  if (++spawns > 100_000) throw new Error("spawn bound reached");
  const child = new Deno.Command(program!, {
    args: cmd.slice(1),
    stdin: "null",
    stdout: out ? "piped" : "null",
    stderr: "null",
    detached: true,
  }).spawn();
  children.set(child.pid, child);
  say(`pid ${child.pid}`);
  const copied = out && child.stdout
    ? child.stdout.pipeTo(out.writable, { preventClose: true })
    : Promise.resolve();
  Promise.all([child.status, copied]).then(() => {
    children.delete(child.pid);
    say(`exit ${child.pid}`);
    if (respawn && !stopping) spawn();
    else if (stopping && children.size === 0) say("stopped");
  }, (error) => console.error(`child ${child.pid}: ${error}`));
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
for (let i = 0; i < n; i++) spawn();
say("ready");
const stdin = new LineChannel(Deno.stdin.readable, new WritableStream());
while (true) {
  const line = await stdin.next(20 * 60_000);
  if (line === null || line.startsWith("stop")) await stopAll();
  if (line === null) break;
}
clearTimeout(bound);
out?.close();
