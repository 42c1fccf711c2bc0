/**
 * `deno task compile`: builds the standalone executables `dist/taskmasterd` and
 * `dist/taskmasterctl`. Needs the `denort` runtime, which Deno downloads on first use (or takes
 * from `DENORT_BIN`); offline machines use `deno task bundle` instead.
 */
const targets: [string, string, string[]][] = [
  ["main.ts", "dist/taskmasterd", ["-A"]],
  ["ctl/main.ts", "dist/taskmasterctl", ["-A"]],
];
for (const [entry, output, flags] of targets) {
  const { success } = await new Deno.Command(Deno.execPath(), {
    args: ["compile", ...flags, "-o", output, entry],
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (!success) {
    console.error(`compile: ${entry} failed (offline? set DENORT_BIN or use deno task bundle)`);
    Deno.exit(1);
  }
}
