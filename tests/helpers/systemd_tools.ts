/**
 * The systemd proof of exported units (docs/export.md "Proof"): `systemd-analyze verify` and the
 * parsed-unit dump of `systemd --test --user`, run as a non-root user with its own runtime
 * folder. Both need the Debian `systemd` package (.ci/run installs it); tests skip without it.
 */

/** True when both tools are installed. */
export function hasSystemd(): boolean {
  try {
    return Deno.statSync("/lib/systemd/systemd").isFile &&
      new Deno.Command("systemd-analyze", { args: ["--version"], stdout: "null", stderr: "null" })
        .outputSync().success;
  } catch (_e) {
    return false;
  }
}

/** `systemd-analyze verify --recursive-errors=yes DIR/*.target DIR/*.service`. */
export async function verifyUnits(dir: string): Promise<{ code: number; stderr: string }> {
  const files = [...Deno.readDirSync(dir)].map((e) => e.name)
    .filter((n) => n.endsWith(".target") || n.endsWith(".service")).sort()
    .sort((a, b) => Number(b.endsWith(".target")) - Number(a.endsWith(".target")));
  const out = await new Deno.Command("systemd-analyze", {
    args: ["verify", "--recursive-errors=yes", ...files.map((f) => `${dir}/${f}`)],
    stdout: "piped",
    stderr: "piped",
    env: { SYSTEMD_LOG_COLOR: "0" },
  }).output();
  return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
}

/** What the dump shows of one unit. */
export interface DumpedUnit {
  readonly argv: string[];
  readonly env: string[];
  readonly killSignal: string | null;
  readonly timeoutStop: string | null;
  /** `Requires:` / `After:` units written in the unit file (origin-file), in dump order. */
  readonly requires: string[];
  readonly after: string[];
  /** `Type:` and `RemainAfterExit:` of a service. */
  readonly type: string | null;
  readonly remainAfterExit: string | null;
}

/**
 * Loads `APP.target` from `dir` in `systemd --test --user` as uid 65534 (when run as root) and
 * returns the parsed units by name. `dir` and its files must be readable by that user.
 */
export async function dumpUnits(dir: string, app: string): Promise<Map<string, DumpedUnit>> {
  const runtime = await Deno.makeTempDir({ prefix: "tm-xdg-" });
  try {
    const root = Deno.uid() === 0;
    if (root) await Deno.chown(runtime, 65534, 65534);
    const systemd = ["/lib/systemd/systemd", "--test", "--user", `--unit=${app}.target`];
    const args = root
      ? ["--reuid=65534", "--regid=65534", "--clear-groups", "env", "-i", ...envArgs(runtime, dir)]
      : ["-i", ...envArgs(runtime, dir)];
    const out = await new Deno.Command(root ? "setpriv" : "env", {
      args: [...args, ...systemd],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout);
    if (!out.success) {
      throw new Error(`systemd --test failed: ${new TextDecoder().decode(out.stderr)}`);
    }
    return parseDump(text);
  } finally {
    await Deno.remove(runtime, { recursive: true });
  }
}

function envArgs(runtime: string, dir: string): string[] {
  return ["PATH=/usr/bin:/bin", `XDG_RUNTIME_DIR=${runtime}`, `SYSTEMD_UNIT_PATH=${dir}:`];
}

/** Splits the dump into units and reads the fields the proof needs. */
export function parseDump(text: string): Map<string, DumpedUnit> {
  const units = new Map<string, DumpedUnit>();
  const parts = text.split(/^\t-> Unit (.+):$/m);
  for (let i = 1; i + 1 < parts.length; i += 2) {
    const name = parts[i]!;
    const body = parts[i + 1]!;
    const exec = /^\t\t-> ExecStart:\n\t\t\tCommand Line: (.*)$/m.exec(body);
    units.set(name, {
      argv: exec === null ? [] : parseCommandLine(exec[1]!),
      env: [...body.matchAll(/^\t\tEnvironment: (.*)$/gm)].map((m) => m[1]!),
      killSignal: /^\t\tKillSignal: (.*)$/m.exec(body)?.[1] ?? null,
      timeoutStop: /^\t\tTimeoutStopSec: (.*)$/m.exec(body)?.[1] ?? null,
      requires: fromFile(body, "Requires"),
      after: fromFile(body, "After"),
      type: /^\t\tType: (.*)$/m.exec(body)?.[1] ?? null,
      remainAfterExit: /^\t\tRemainAfterExit: (.*)$/m.exec(body)?.[1] ?? null,
    });
  }
  return units;
}

/** Units of dependency `kind` that the unit file itself wrote, sorted. */
function fromFile(body: string, kind: string): string[] {
  const re = new RegExp(`^\\t\\t${kind}: (\\S+) \\(origin-file\\)$`, "gm");
  return [...body.matchAll(re)].map((m) => m[1]!).filter((u) => !/\.(slice|mount)$/.test(u))
    .sort();
}

const C_ESCAPES: Record<string, string> = {
  a: "\x07",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
};

/**
 * The argv a dumped `Command Line:` stands for: words split on spaces, `"…"` quoting with C
 * escapes (as systemd prints it), then the exec-time `$$` → `$`.
 */
export function parseCommandLine(line: string): string[] {
  const words: string[] = [];
  let i = 0;
  while (i < line.length) {
    if (line[i] === " ") {
      i++;
      continue;
    }
    let word = "";
    let bytes: number[] = [];
    const flush = () => {
      if (bytes.length > 0) word += new TextDecoder().decode(new Uint8Array(bytes));
      bytes = [];
    };
    let quoted = false;
    while (i < line.length && (quoted || line[i] !== " ")) {
      const ch = line[i]!;
      if (ch === '"') {
        quoted = !quoted;
        i++;
      } else if (ch === "\\" && i + 1 < line.length) {
        const next = line[i + 1]!;
        if (next === "x") {
          bytes.push(parseInt(line.slice(i + 2, i + 4), 16));
          i += 4;
          continue;
        }
        if (/[0-7]/.test(next)) {
          bytes.push(parseInt(line.slice(i + 1, i + 4), 8));
          i += 4;
          continue;
        }
        flush();
        word += C_ESCAPES[next] ?? next;
        i += 2;
      } else {
        flush();
        word += ch;
        i++;
      }
    }
    flush();
    words.push(word.replaceAll("$$", "$"));
  }
  return words;
}
