/**
 * Measures the output layer (run by hand: `deno run -A tests/integration/logs/bench_capture.ts`):
 * 1. throughput of capturing 100 MB from a child into a log file;
 * 2. daemon RSS with 500 `sleep` children whose stdout+stderr are piped through
 *    createProcessOutput (memory kind).
 */
import { FileRegistry } from "../../../src/logs/file_registry.ts";
import { createProcessOutput } from "../../../src/logs/process_output.ts";

const MB = 1024 * 1024;

async function throughput(dir: string, rotate: boolean): Promise<void> {
  const files = new FileRegistry();
  const path = `${dir}/flood.log`;
  const output = createProcessOutput({
    process: "flood",
    stdout: { kind: "file", path },
    stderr: { kind: "memory" },
    logmaxbytes: rotate ? 10 * MB : 0,
    logbackups: rotate ? 20 : 0,
    files,
    hooks: { onLoss: () => {} },
  });
  const start = performance.now();
  const child = new Deno.Command("head", {
    args: ["-c", String(100 * MB), "/dev/zero"],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  await output.attach(child.stdout, child.stderr);
  await child.status;
  const ms = performance.now() - start;
  await output.close();
  await files.closeAll();
  let total = 0;
  for (const entry of Deno.readDirSync(dir)) total += Deno.statSync(`${dir}/${entry.name}`).size;
  console.log(
    `100 MB to file${rotate ? " (rotating every 10 MB)" : ""}: ${ms.toFixed(0)} ms, ${
      (100 / (ms / 1000)).toFixed(0)
    } MB/s, ${total} bytes on disk`,
  );
  for (const entry of Deno.readDirSync(dir)) Deno.removeSync(`${dir}/${entry.name}`);
}

function rssMb(): number {
  const status = Deno.readTextFileSync("/proc/self/status");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

async function memory(count: number): Promise<void> {
  const files = new FileRegistry();
  const before = rssMb();
  const start = performance.now();
  const children: Deno.ChildProcess[] = [];
  const outputs = [];
  for (let i = 0; i < count; i++) {
    const output = createProcessOutput({
      process: `p:${i}`,
      stdout: { kind: "memory" },
      stderr: { kind: "memory" },
      logmaxbytes: 0,
      logbackups: 0,
      files,
      hooks: { onLoss: () => {} },
    });
    const child = new Deno.Command("sleep", {
      args: ["3600"],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      detached: true,
    }).spawn();
    outputs.push({ output, done: output.attach(child.stdout, child.stderr) });
    children.push(child);
  }
  const spawnMs = performance.now() - start;
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const fds = [...Deno.readDirSync("/proc/self/fd")].length;
  console.log(
    `${count} sleep children, piped stdout+stderr via createProcessOutput (memory): spawn ${
      spawnMs.toFixed(0)
    } ms, RSS ${before.toFixed(1)} -> ${rssMb().toFixed(1)} MB, fds ${fds}`,
  );
  for (const child of children) child.kill("SIGKILL");
  await Promise.all(children.map((child) => child.status));
  await Promise.all(outputs.map((entry) => entry.done));
  await Promise.all(outputs.map((entry) => entry.output.close()));
  await files.closeAll();
}

const dir = Deno.makeTempDirSync({ prefix: "tm_bench_" });
try {
  // `memory` alone gives the cleaner RSS figure (no leftovers of the throughput runs).
  if (Deno.args[0] !== "memory") {
    await throughput(dir, false);
    await throughput(dir, true);
  }
  if (Deno.args[0] !== "throughput") await memory(Number(Deno.args[1] ?? 500));
} finally {
  Deno.removeSync(dir, { recursive: true });
}
