/** scripts/release_targets.ts: the compile plan `deno task compile` derives from its arguments. */
import assert from "node:assert/strict";
import {
  compileArgs,
  EXECUTABLES,
  outputPath,
  parseCompileArgs,
  RELEASE_TARGETS,
} from "../../../scripts/release_targets.ts";

const [daemon, ctl] = EXECUTABLES;

Deno.test("the list ships taskmasterd and taskmasterctl for x86_64 and aarch64 Linux", () => {
  assert.deepEqual(EXECUTABLES.map((e) => [e.name, e.entry]), [
    ["taskmasterd", "main.ts"],
    ["taskmasterctl", "ctl/main.ts"],
  ]);
  assert.deepEqual([...RELEASE_TARGETS], ["x86_64-unknown-linux-gnu", "aarch64-unknown-linux-gnu"]);
});

Deno.test("no arguments: one host build with plain output names", () => {
  assert.deepEqual(parseCompileArgs([]), { targets: [null], dryRun: false });
  assert.equal(outputPath(daemon!, null), "dist/taskmasterd");
  assert.deepEqual(compileArgs(daemon!, null), [
    "compile",
    "-A",
    "-o",
    "dist/taskmasterd",
    "main.ts",
  ]);
});

Deno.test("--target: a cross build whose output names carry the target", () => {
  const plan = parseCompileArgs(["--target", "aarch64-unknown-linux-gnu"]);
  assert.deepEqual(plan.targets, ["aarch64-unknown-linux-gnu"]);
  assert.deepEqual(compileArgs(ctl!, "aarch64-unknown-linux-gnu"), [
    "compile",
    ...ctl!.flags,
    "--target",
    "aarch64-unknown-linux-gnu",
    "-o",
    "dist/taskmasterctl-aarch64-unknown-linux-gnu",
    "ctl/main.ts",
  ]);
  assert.deepEqual(parseCompileArgs(["--target=x86_64-unknown-linux-gnu"]).targets, [
    "x86_64-unknown-linux-gnu",
  ]);
});

Deno.test("--all and repeated targets: each target once, in list order", () => {
  assert.deepEqual(parseCompileArgs(["--all", "--dry-run"]), {
    targets: [...RELEASE_TARGETS],
    dryRun: true,
  });
  const plan = parseCompileArgs([
    "--target",
    "aarch64-unknown-linux-gnu",
    "--target",
    "x86_64-unknown-linux-gnu",
    "--target",
    "aarch64-unknown-linux-gnu",
  ]);
  assert.deepEqual(plan.targets, [...RELEASE_TARGETS]);
});

Deno.test("unknown targets and arguments are refused", () => {
  assert.throws(() => parseCompileArgs(["--target", "x86_64-apple-darwin"]), /unknown target/);
  assert.throws(() => parseCompileArgs(["--target"]), /needs a value/);
  assert.throws(() => parseCompileArgs(["--release"]), /unknown argument/);
});
