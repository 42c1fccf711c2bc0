/**
 * `deno task bundle`: bundles each release executable's entry point (scripts/release_targets.ts)
 * into one JavaScript file (`dist/taskmasterd.js`, `dist/taskmasterctl.js`). This proves the same
 * module graph that `deno compile` embeds, offline; CI runs the bundles as a smoke test.
 */
import { EXECUTABLES, OUT_DIR } from "./release_targets.ts";

for (const { entry, name } of EXECUTABLES) {
  const { success } = await new Deno.Command(Deno.execPath(), {
    args: ["bundle", "--platform", "deno", "-o", `${OUT_DIR}/${name}.js`, entry],
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (!success) {
    console.error(`bundle: ${entry} failed`);
    Deno.exit(1);
  }
}
