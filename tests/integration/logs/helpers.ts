/** Shared helpers of the output-capture tests: child spawning, log reading, integrity checks. */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

/** Absolute path of the line-integrity writer fixture. */
export const NUMBERED = fileURLToPath(new URL("../../fixtures/logs/numbered.sh", import.meta.url));

/** Spawns a detached child with piped stdout/stderr (stdin closed). */
export function spawnPiped(
  cmd: string,
  args: string[],
  stdio: { stdout?: "piped" | "null"; stderr?: "piped" | "null" } = {},
): Deno.ChildProcess {
  return new Deno.Command(cmd, {
    args,
    stdin: "null",
    stdout: stdio.stdout ?? "piped",
    stderr: stdio.stderr ?? "piped",
    detached: true,
  }).spawn();
}

/** The file and its numbered backups concatenated oldest first (path.N … path.1, path). */
export function readRotated(path: string, backups: number): Uint8Array {
  const parts: Uint8Array[] = [];
  for (let i = backups; i >= 1; i--) {
    try {
      parts.push(Deno.readFileSync(`${path}.${i}`));
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  }
  parts.push(Deno.readFileSync(path));
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * Asserts that `text` holds, for each prefix, exactly the lines `PREFIX-000000001-x…` to
 * `PREFIX-COUNT-x…` in order (other prefixes may be interleaved), and nothing else.
 */
export function assertNumbered(
  text: string,
  prefixes: string[],
  count: number,
  lineBytes = 95,
): void {
  const pad = "x".repeat(lineBytes - 15);
  assert.ok(text.endsWith("\n"), "last line is complete");
  const next = new Map(prefixes.map((prefix) => [prefix, 1]));
  const lines = text.slice(0, -1).split("\n");
  for (const [i, line] of lines.entries()) {
    const prefix = line.slice(0, 3);
    const expected = next.get(prefix);
    if (expected === undefined || line !== `${prefix}-${pad9(expected)}-${pad}`) {
      assert.fail(
        `line ${i + 1}: expected ${prefix}-${pad9(expected ?? 0)}, got ${line.slice(0, 40)}`,
      );
    }
    next.set(prefix, expected + 1);
  }
  for (const prefix of prefixes) assert.equal(next.get(prefix), count + 1, `${prefix} line count`);
}

function pad9(n: number): string {
  return String(n).padStart(9, "0");
}

/** Number of open file descriptors of this test process. */
export function countFds(): number {
  return [...Deno.readDirSync("/proc/self/fd")].length;
}

/** A fresh temporary folder, removed by the returned disposer. */
export function tempDir(): { path: string; remove(): void } {
  const path = Deno.makeTempDirSync({ prefix: "tm_logs_" });
  return { path, remove: () => Deno.removeSync(path, { recursive: true }) };
}

/** Loss hooks that record every report. */
export function recordingHooks(): {
  onLoss(info: { process: string; stream: string; bytes: number; reason: string }): void;
  losses: { process: string; stream: string; bytes: number; reason: string }[];
} {
  const losses: { process: string; stream: string; bytes: number; reason: string }[] = [];
  return { losses, onLoss: (info) => void losses.push(info) };
}
