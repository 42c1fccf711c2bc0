/**
 * Memory floor of output capture, without the daemon: spawns 500 `sleep` children from a bare
 * Deno program and prints its own VmRSS, RssAnon, Pss and V8 heap, 2 s after the last spawn.
 * Modes (one per run, compare medians of several runs):
 *   null    stdout "null" (a child and nothing else)
 *   piped   stdout piped, never read
 *   byob    piped, one pending 1 KiB BYOB read per pipe (the cheapest reader Deno offers)
 *   files   byob, and a log file per child opened through the daemon's FileRegistry
 *   memory  the daemon's output layer (ring + pump), no file
 *   layer   the daemon's output layer with a log file per child (what `stdout: FILE` costs)
 *
 *   deno run -A scripts/bench/pipe_floor.ts MODE [--children 500]
 */
import { parseArgs } from "node:util";
import { FileRegistry } from "../../src/logs/file_registry.ts";
import { createProcessOutput } from "../../src/logs/process_output.ts";
import { createRetryingOutput } from "../../src/logs/retrying_output.ts";
import type { ProcessOutput } from "../../src/logs/types.ts";

const args = parseArgs({
  args: Deno.args,
  allowPositionals: true,
  options: { children: { type: "string", default: "500" } },
});
const mode = args.positionals[0] ?? "byob";
const modes = ["null", "piped", "byob", "files", "memory", "layer"];
if (!modes.includes(mode)) throw new Error(`mode must be one of ${modes.join(", ")}`);
const count = Number(args.values.children);
const dir = Deno.makeTempDirSync({ prefix: "tm-floor-" });
const files = new FileRegistry();
const children: Deno.ChildProcess[] = [];
const outputs: ProcessOutput[] = [];

/** Reads a stream to EOF with one small BYOB buffer per read, as the pump does when quiet. */
async function drain(stream: ReadableStream<Uint8Array>): Promise<void> {
  const reader = stream.getReader({ mode: "byob" });
  while (!(await reader.read(new Uint8Array(1024))).done) {
    // discard
  }
}

for (let i = 0; i < count; i++) {
  const child = new Deno.Command("/bin/sleep", {
    args: ["3600"],
    stdin: "null",
    stderr: "null",
    stdout: mode === "null" ? "null" : "piped",
  }).spawn();
  children.push(child);
  const path = `${dir}/p${i}.log`;
  if (mode === "files") files.acquire(path, { maxBytes: 50 << 20, backups: 10 });
  if (mode === "byob" || mode === "files") drain(child.stdout).catch(() => {});
  if (mode === "memory" || mode === "layer") {
    const output = createRetryingOutput(() =>
      createProcessOutput({
        process: `p${i}`,
        stdout: mode === "layer" ? { kind: "file", path } : { kind: "memory" },
        stderr: { kind: "none" },
        logmaxbytes: 50 << 20,
        logbackups: 10,
        files,
        hooks: { onLoss() {} },
      })
    );
    output.attach(child.stdout, null);
    outputs.push(output);
  }
}
await new Promise((resolve) => setTimeout(resolve, 2000));
const status = Deno.readTextFileSync("/proc/self/status");
const rollup = Deno.readTextFileSync("/proc/self/smaps_rollup");
const heap = Deno.memoryUsage();
console.log(
  `${mode} children=${count} rss=${/VmRSS:\s+(\d+)/.exec(status)?.[1]} ` +
    `anon=${/RssAnon:\s+(\d+)/.exec(status)?.[1]} pss=${/^Pss:\s+(\d+)/m.exec(rollup)?.[1]} ` +
    `heapTotal=${heap.heapTotal >> 10} heapUsed=${heap.heapUsed >> 10}`,
);
for (const child of children) child.kill("SIGKILL");
await Promise.all(children.map((child) => child.status));
for (const output of outputs) await output.close();
await files.closeAll();
Deno.removeSync(dir, { recursive: true });
