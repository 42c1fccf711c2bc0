/**
 * .github/workflows/release.yml against scripts/release_targets.ts: the workflow must build
 * exactly the listed targets through `deno task compile` (so the flags stay in one place), run
 * on version tags only, and attach every binary plus the SHA-256 sums. Nothing runs the workflow
 * here (no GitHub, no denort download): this is what keeps it from drifting.
 */
import assert from "node:assert/strict";
import { parse } from "yaml";
import {
  compileCommand,
  DENO_VERSION,
  EXECUTABLES,
  RELEASE_TARGETS,
  SUMS_FILE,
} from "../../../scripts/release_targets.ts";

const WORKFLOW = new URL("../../../.github/workflows/release.yml", import.meta.url);

/** Actions a release may use: GitHub's own, Deno's setup, and the common release uploader. */
const ALLOWED_ACTIONS = new Set([
  "actions/checkout",
  "actions/upload-artifact",
  "actions/download-artifact",
  "denoland/setup-deno",
  "softprops/action-gh-release",
]);

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}

interface Job {
  strategy?: { matrix?: Record<string, unknown> };
  steps: Step[];
}

async function workflow(): Promise<{ on: unknown; jobs: Record<string, Job> }> {
  return parse(await Deno.readTextFile(WORKFLOW));
}

function allSteps(jobs: Record<string, Job>): Step[] {
  return Object.values(jobs).flatMap((job) => job.steps);
}

Deno.test("release workflow runs on pushed version tags only", async () => {
  const { on } = await workflow();
  // No branches, pull requests, schedules or manual runs: a release is a tag.
  assert.deepEqual(on, { push: { tags: ["v*"] } });
});

Deno.test("release workflow's matrix is the script's target list, in order", async () => {
  const { jobs } = await workflow();
  const matrices = Object.values(jobs).flatMap((job) => job.strategy?.matrix ?? []);
  assert.equal(matrices.length, 1, "exactly one job has a matrix");
  assert.deepEqual(matrices[0], { target: [...RELEASE_TARGETS] });
});

Deno.test("release workflow compiles only through `deno task compile --target`", async () => {
  const { jobs } = await workflow();
  const runs = allSteps(jobs).flatMap((step) => step.run ?? []);
  assert.deepEqual(
    runs.filter((run) => run.includes("compile")),
    [compileCommand("${{ matrix.target }}")],
  );
  // Flags written here would be a second list that the script's could silently disagree with.
  for (const run of runs) {
    assert.doesNotMatch(run, /deno\s+compile|--allow-|(^|\s)-A(\s|$)/, run);
  }
});

Deno.test("release workflow pins the project's Deno and uses well-known actions only", async () => {
  const { jobs } = await workflow();
  const uses = allSteps(jobs).flatMap((step) => step.uses ? [step] : []);
  for (const step of uses) {
    const [action, ref] = step.uses!.split("@");
    assert.ok(ALLOWED_ACTIONS.has(action!), `unexpected action ${step.uses}`);
    assert.match(ref ?? "", /^v\d+$/, `${step.uses} is not pinned to a major version`);
  }
  const setups = uses.filter((step) => step.uses!.startsWith("denoland/setup-deno@"));
  assert.ok(setups.length > 0, "no setup-deno step");
  for (const step of setups) assert.equal(step.with?.["deno-version"], DENO_VERSION);
});

Deno.test("release workflow sums and attaches every binary of every target", async () => {
  const { jobs } = await workflow();
  const steps = allSteps(jobs);
  const sums = steps.filter((step) => step.run?.includes("sha256sum"));
  assert.equal(sums.length, 1, "one sha256sum step");
  const release = steps.filter((step) => step.uses?.startsWith("softprops/action-gh-release@"));
  assert.equal(release.length, 1, "one release step");
  const files = String(release[0]!.with?.["files"] ?? "").split("\n").map((f) => f.trim());
  assert.ok(files.includes(`dist/${SUMS_FILE}`), `release files: ${files}`);
  assert.equal(release[0]!.with?.["fail_on_unmatched_files"], true);
  for (const exe of EXECUTABLES) {
    // Cross-build names are NAME-TARGET (outputPath): each name's glob must be summed and sent.
    assert.match(sums[0]!.run!, new RegExp(`(^|\\s)${exe.name}-\\*(\\s|$)`));
    assert.match(sums[0]!.run!, new RegExp(`> ${SUMS_FILE}\\b`));
    assert.ok(files.includes(`dist/${exe.name}-*`), `release files miss ${exe.name}`);
  }
});
