/**
 * `deno task bundle`: bundles both entry points into single JavaScript files
 * (`dist/taskmasterd.js`, `dist/taskmasterctl.js`). This proves the same module graph that
 * `deno compile` embeds, offline; CI runs the bundles as a smoke test.
 */
const targets: [string, string][] = [
  ["main.ts", "dist/taskmasterd.js"],
  ["ctl/main.ts", "dist/taskmasterctl.js"],
];
for (const [entry, output] of targets) {
  const { success } = await new Deno.Command(Deno.execPath(), {
    args: ["bundle", "--platform", "deno", "-o", output, entry],
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (!success) {
    console.error(`bundle: ${entry} failed`);
    Deno.exit(1);
  }
}
