/**
 * W5 (docs/reliability.md), probe level: 500 tcp health checks at a 1 s period. The checks run
 * in a child process (tests/reliability/lib/probe_load_child.ts) so that the listener here is
 * not counted; the child reports its own CPU over the window and its fd count. Target: < 5 % of
 * one core, fd count flat. Window: W5_WINDOW seconds (default 20; the bench row says 60).
 * The figure is printed with met/MISSED; only leaks (fds, unhealthy monitors) fail the test,
 * since CPU on a shared CI box is not ours to promise. W5_FLOOR=1 measures bare
 * `Deno.connect` + close loops at the same rate instead: the floor any tcp check pays here.
 */
import assert from "node:assert/strict";

Deno.test("W5: 500 tcp health checks at 1 s: CPU and fd count", async () => {
  const window = Number(Deno.env.get("W5_WINDOW") ?? "20");
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  let accepted = 0;
  const serving = (async () => {
    for await (const conn of listener) {
      accepted++;
      conn.close();
    }
  })().catch(() => {});
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL("./lib/probe_load_child.ts", import.meta.url).pathname,
      String((listener.addr as Deno.NetAddr).port),
      "500",
      String(window),
      Deno.env.get("W5_FLOOR") === "1" ? "floor" : "monitors",
    ],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  try {
    const output = await child.output();
    const report = JSON.parse(new TextDecoder().decode(output.stdout).trim().split("\n").at(-1)!);
    const verdict = report.cpuPercent < 5 ? "met" : "MISSED";
    console.log(
      `W5 (${report.mode}): ${report.count} tcp checks/s over ${report.window.toFixed(1)} s: CPU ` +
        `${report.cpuPercent.toFixed(2)} % of one core (target < 5 %: ${verdict}); fds start ` +
        `${report.fdsStart}, max ${report.fdsMax}, end ${report.fdsEnd}, after stop ` +
        `${report.fdsAfterStop}; ${report.healthy} healthy, ${report.unhealthy} unhealthy; ` +
        `${accepted} connections accepted`,
    );
    assert.equal(report.unhealthy, 0);
    assert.equal(report.healthy, report.count);
    // In-flight sockets come and go; growth beyond the checks' own concurrency is a leak.
    assert(report.fdsAfterStop <= report.fdsStart + 5, `fds grew: ${JSON.stringify(report)}`);
  } finally {
    try {
      child.kill("SIGKILL");
    } catch { /* exited already */ }
    listener.close();
    await serving;
  }
});
