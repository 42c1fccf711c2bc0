/**
 * Throughput floor of output capture, without the daemon: one child writes `seq 1 N` (≈100 MB
 * for the bench's 12.5 M lines) and this program times spawn → every byte in the log file.
 * Modes, alternated within each rep (compare medians):
 *   shell   `seq > FILE` by the shell: no Deno in the data path (the kernel's floor)
 *   byob    a bare Deno loop: 64 KiB BYOB reads, each awaited `FsFile.write` before the next read
 *   layer   the daemon's output layer (createProcessOutput: ring, pump, write batcher, log file)
 *
 *   deno run -A scripts/bench/capture_floor.ts [--lines 12500000] [--reps 3] [--modes a,b]
 */
import { parseArgs } from "node:util";
import { FileRegistry } from "../../src/logs/file_registry.ts";
import { createProcessOutput } from "../../src/logs/process_output.ts";
import { expectedSeqBytes } from "./seq_check.ts";

const args = parseArgs({
  args: Deno.args,
  options: {
    lines: { type: "string", default: "12500000" },
    reps: { type: "string", default: "3" },
    modes: { type: "string", default: "shell,byob,layer" },
  },
});
const lines = Number(args.values.lines);
const reps = Number(args.values.reps);
const modes = args.values.modes.split(",");
const dir = Deno.makeTempDirSync({ prefix: "tm-capture-" });

const expected = expectedSeqBytes(lines);

function spawnSeq(stdout: "piped" | "null"): Deno.ChildProcess {
  return new Deno.Command("/usr/bin/seq", {
    args: ["1", String(lines)],
    stdin: "null",
    stdout,
    stderr: "null",
  }).spawn();
}

async function shell(path: string): Promise<void> {
  const status = await new Deno.Command("sh", {
    args: ["-c", `exec /usr/bin/seq 1 ${lines} > "$0"`, path],
  }).spawn().status;
  if (!status.success) throw new Error("seq failed");
}

async function byob(path: string): Promise<void> {
  const file = await Deno.open(path, { write: true, create: true, append: true });
  const child = spawnSeq("piped");
  const reader = child.stdout.getReader({ mode: "byob" });
  while (true) {
    const { value, done } = await reader.read(new Uint8Array(64 * 1024));
    if (done || !value) break;
    for (let at = 0; at < value.length;) at += await file.write(value.subarray(at));
  }
  await child.status;
  file.close();
}

async function layer(path: string): Promise<void> {
  const files = new FileRegistry();
  const output = createProcessOutput({
    process: "writer",
    stdout: { kind: "file", path },
    stderr: { kind: "none" },
    logmaxbytes: 0,
    logbackups: 0,
    files,
    hooks: { onLoss: () => {} },
  });
  const child = spawnSeq("piped");
  await output.attach(child.stdout, null);
  await child.status;
  await output.close();
  await files.closeAll();
}

const runners: Record<string, (path: string) => Promise<void>> = { shell, byob, layer };
const samples: Record<string, number[]> = {};
for (let rep = 0; rep < reps; rep++) {
  for (const mode of modes) {
    const run = runners[mode];
    if (run === undefined) throw new Error(`unknown mode ${mode}`);
    const path = `${dir}/${mode}-${rep}.log`;
    const t0 = performance.now();
    await run(path);
    const ms = performance.now() - t0;
    const size = Deno.statSync(path).size;
    if (size !== expected) throw new Error(`${mode}: ${size} bytes in the file, want ${expected}`);
    Deno.removeSync(path);
    (samples[mode] ??= []).push(ms);
  }
}
for (const mode of modes) {
  const sorted = [...(samples[mode] ?? [])].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? NaN;
  console.log(
    `${mode} lines=${lines} bytes=${expected} median=${median.toFixed(0)} ms ` +
      `(${sorted[0]?.toFixed(0)}–${sorted.at(-1)?.toFixed(0)}) ` +
      `${(expected / 1e6 / (median / 1000)).toFixed(0)} MB/s`,
  );
}
Deno.removeSync(dir, { recursive: true });
