/**
 * Raises the daemon's soft open-files limit to its hard limit at start-up (as supervisord's
 * `minfds` does): each child costs the daemon 3–4 fds (stdin, stdout, stderr pipes and a pidfd),
 * so a typical soft limit of 1024 caps a daemon near 250 children while the hard limit allows
 * far more. Deno has no setrlimit, so this runs util-linux `prlimit` on our own pid; children
 * inherit the raised soft limit, as they would under supervisord.
 */

/** What the limit was and became, or why it could not be changed. */
export type FdLimitResult =
  | { readonly ok: true; readonly before: string; readonly after: string }
  | { readonly ok: false; readonly reason: string };

/** Sets soft NOFILE = hard NOFILE for this process. Never throws. */
export async function raiseFdLimit(): Promise<FdLimitResult> {
  try {
    const query = await prlimit(["--nofile", "--raw", "--noheadings", "--output", "SOFT,HARD"]);
    const [soft, hard] = query.trim().split(/\s+/);
    if (soft === undefined || hard === undefined) {
      return { ok: false, reason: `unexpected prlimit output: ${query}` };
    }
    if (soft === hard) return { ok: true, before: soft, after: soft };
    await prlimit([`--nofile=${hard}:`]);
    return { ok: true, before: soft, after: hard };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}

async function prlimit(args: string[]): Promise<string> {
  const output = await new Deno.Command("prlimit", {
    args: ["--pid", String(Deno.pid), ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  if (!output.success) {
    throw new Error(`prlimit failed: ${decoder.decode(output.stderr).trim() || output.code}`);
  }
  return decoder.decode(output.stdout);
}
