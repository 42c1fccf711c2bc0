/**
 * `deno task test`: runs the whole suite with Deno's test runner, streams its output, and ends
 * with the one plain summary line CI reads: `tests: N passed, M failed`. Extra arguments are
 * passed to `deno test` (e.g. a folder to run only part of the suite).
 */
const args = Deno.args.length > 0 ? Deno.args : ["tests/"];
const child = new Deno.Command(Deno.execPath(), {
  args: ["test", "-A", "--no-check=remote", ...args],
  stdout: "piped",
  stderr: "inherit",
}).spawn();

const decoder = new TextDecoder();
let tail = "";
for await (const chunk of child.stdout) {
  await Deno.stdout.write(chunk);
  // Only the last lines matter for the summary; keep a bounded window.
  tail = (tail + decoder.decode(chunk, { stream: true })).slice(-4096);
}
const status = await child.status;

// Deno's summary: "ok | 12 passed (3 steps) | 0 failed (1s)"; strip colours first.
// deno-lint-ignore no-control-regex
const plain = tail.replace(/\x1b\[[0-9;]*m/g, "");
const match = [...plain.matchAll(/(\d+) passed(?: \(\d+ steps?\))? \| (\d+) failed/g)].at(-1);
const passed = match ? Number(match[1]) : 0;
let failed = match ? Number(match[2]) : 0;
// A run that failed without a summary (type error, crash) must not look green.
if (!status.success && failed === 0) failed = 1;
console.log(`tests: ${passed} passed, ${failed} failed`);
Deno.exit(status.code);
