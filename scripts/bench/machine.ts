/** Facts about the machine a benchmark ran on, for the report's header. */

/** nproc, CPU model, memory, kernel and Deno version, as strings. */
export async function machineFacts(): Promise<Record<string, string>> {
  const cpuinfo = await Deno.readTextFile("/proc/cpuinfo").catch(() => "");
  const meminfo = await Deno.readTextFile("/proc/meminfo").catch(() => "");
  const memKiB = Number(/^MemTotal:\s+(\d+)/m.exec(meminfo)?.[1] ?? NaN);
  return {
    nproc: String(navigator.hardwareConcurrency),
    cpu: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? "unknown",
    memory: `${(memKiB / 1024 / 1024).toFixed(1)} GiB`,
    kernel: Deno.osRelease(),
    deno: Deno.version.deno,
  };
}
