/**
 * `deno task compile [--target T]… [--all] [--dry-run]`: builds the standalone executables from
 * the list in scripts/release_targets.ts. Without a target it builds for this machine
 * (`dist/taskmasterd`, `dist/taskmasterctl`); `--target T` or `--all` cross-builds
 * (`dist/taskmasterd-T`, …), as the release workflow does. Each build needs that target's
 * `denort` runtime, which Deno downloads on first use (or takes from `DENORT_BIN`); offline
 * machines prove the module graph with `deno task bundle` instead.
 */
import { compileArgs, EXECUTABLES, parseCompileArgs } from "./release_targets.ts";

const USAGE = "usage: deno task compile [--target TRIPLE]... [--all] [--dry-run]";

let plan;
try {
  plan = parseCompileArgs(Deno.args);
} catch (error) {
  console.error(`compile: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  Deno.exit(2);
}

for (const target of plan.targets) {
  for (const exe of EXECUTABLES) {
    const args = compileArgs(exe, target);
    if (plan.dryRun) {
      console.log(["deno", ...args].join(" "));
      continue;
    }
    const { success } = await new Deno.Command(Deno.execPath(), {
      args,
      stdout: "inherit",
      stderr: "inherit",
    }).output();
    if (!success) {
      console.error(
        `compile: ${exe.entry} for ${target ?? "this machine"} failed ` +
          "(offline? set DENORT_BIN or use deno task bundle)",
      );
      Deno.exit(1);
    }
  }
}
