/**
 * The absolute path of a bare command name on this machine's PATH (docs/export.md: argv[0]
 * becomes absolute at export time), or null.
 */
export function findOnPath(name: string): string | null {
  const path = Deno.env.get("PATH") ?? "/usr/local/bin:/usr/bin:/bin";
  for (const dir of path.split(":")) {
    if (!dir.startsWith("/")) continue;
    const candidate = `${dir.replace(/\/+$/, "")}/${name}`;
    try {
      const info = Deno.statSync(candidate);
      if (info.isFile && ((info.mode ?? 0) & 0o111) !== 0) return candidate;
    } catch (_e) {
      // Not in this folder: keep looking.
    }
  }
  return null;
}
