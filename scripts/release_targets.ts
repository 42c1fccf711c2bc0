/**
 * The one list of what a release ships: which executables, from which entry points, with which
 * permission flags, for which targets. `deno task compile` (scripts/compile.ts) builds from it,
 * the release workflow (.github/workflows/release.yml) runs that task once per target, and
 * tests/unit/scripts/release_workflow_test.ts fails when the workflow drifts from it.
 * Pure: no Deno APIs, so the test can import it without side effects.
 */

/** The Deno that builds releases (the workflow's setup-deno pins it; .ci/run insists on it). */
export const DENO_VERSION = "2.9.6";

/**
 * Target triples of the release, in the workflow's matrix order. Linux only: the daemon reads
 * /proc (pids file start times, process groups), so other systems would build but not work.
 */
export const RELEASE_TARGETS = [
  "x86_64-unknown-linux-gnu",
  "aarch64-unknown-linux-gnu",
] as const;

/** One of {@link RELEASE_TARGETS}. */
export type ReleaseTarget = typeof RELEASE_TARGETS[number];

/** One compiled executable. */
export interface Executable {
  /** File name of the executable (and prefix of its release asset). */
  readonly name: string;
  /** Entry module, relative to the repository root. */
  readonly entry: string;
  /** Permission flags baked into the executable by `deno compile`. */
  readonly flags: readonly string[];
}

/**
 * The executables, with the permissions each needs at run time. The daemon gets `-A`: it runs
 * arbitrary programs as other users, and Deno grants reads of /proc/PID/stat (start times that
 * make the pids file safe to act on after a crash) only with `-A`. The controller needs no
 * subprocesses: the same flags as `deno task ctl`.
 */
export const EXECUTABLES: readonly Executable[] = [
  { name: "taskmasterd", entry: "main.ts", flags: ["-A"] },
  {
    name: "taskmasterctl",
    entry: "ctl/main.ts",
    flags: ["--allow-read", "--allow-write", "--allow-env", "--allow-net"],
  },
];

/** Folder every build writes into (ignored by git and by deno fmt/lint/check). */
export const OUT_DIR = "dist";

/** File name of the SHA-256 sums the release attaches (`sha256sum -c SHA256SUMS`). */
export const SUMS_FILE = "SHA256SUMS";

/**
 * The command the release workflow runs for one matrix entry: `target` is a real triple or the
 * workflow expression `${{ matrix.target }}`. The test compares the workflow with this string.
 */
export function compileCommand(target: string): string {
  return `deno task compile --target ${target}`;
}

/** Where `exe` is written: `dist/NAME` for a host build, `dist/NAME-TARGET` for a cross build. */
export function outputPath(exe: Executable, target: ReleaseTarget | null): string {
  return target === null ? `${OUT_DIR}/${exe.name}` : `${OUT_DIR}/${exe.name}-${target}`;
}

/** Arguments after `deno` that compile `exe` (for the host when `target` is null). */
export function compileArgs(exe: Executable, target: ReleaseTarget | null): string[] {
  return [
    "compile",
    ...exe.flags,
    ...(target === null ? [] : ["--target", target]),
    "-o",
    outputPath(exe, target),
    exe.entry,
  ];
}

/** What `deno task compile ARGS` was asked to do. */
export interface CompilePlan {
  /** `[null]` for the host build, else the chosen triples in list order. */
  readonly targets: readonly (ReleaseTarget | null)[];
  /** Print the commands instead of running them. */
  readonly dryRun: boolean;
}

/** Reads the compile script's arguments: `[--target T]… [--all] [--dry-run]`. Throws on misuse. */
export function parseCompileArgs(args: readonly string[]): CompilePlan {
  const chosen = new Set<ReleaseTarget>();
  let dryRun = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--all") RELEASE_TARGETS.forEach((t) => chosen.add(t));
    else if (arg === "--dry-run") dryRun = true;
    else if (arg === "--target" || arg.startsWith("--target=")) {
      const value = arg === "--target" ? args[++i] : arg.slice("--target=".length);
      if (value === undefined) throw new Error("--target needs a value");
      if (!isReleaseTarget(value)) {
        throw new Error(`unknown target ${value} (known: ${RELEASE_TARGETS.join(", ")})`);
      }
      chosen.add(value);
    } else throw new Error(`unknown argument ${arg}`);
  }
  // List order, not argument order: output is the same however the targets were named.
  const targets = chosen.size === 0 ? [null] : RELEASE_TARGETS.filter((t) => chosen.has(t));
  return { targets, dryRun };
}

function isReleaseTarget(value: string): value is ReleaseTarget {
  return (RELEASE_TARGETS as readonly string[]).includes(value);
}
