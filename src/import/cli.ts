/**
 * `taskmasterd --import supervisord|pm2|procfile FILE [-o OUT] [--force] [--strict] [--json]
 * [--env NAME]` (docs/cli.md "Import"): converts without starting anything. Exit 0 converted;
 * 1 bad input, a refused `-o`, or `--strict` with a dropped note; 2 usage. Loaded lazily by
 * src/cli.ts so the daemon never loads the importers.
 */
import { folderOf } from "./paths.ts";
import { importSupervisord } from "./supervisord.ts";
import { importProcfile } from "./procfile.ts";
import { importPm2 } from "./pm2.ts";
import { globSync } from "./glob.ts";
import { emitYaml } from "./emit_yaml.ts";
import { writeNew } from "./write_out.ts";
import {
  allNotes,
  type Draft,
  ImportError,
  type ImportKind,
  type ImportResult,
  noteText,
} from "./types.ts";
import { lookupGroup, lookupUser } from "../config/users.ts";
import { MAX_INI_BYTES } from "./ini_files.ts";

/** Usage text of the import mode. */
export const IMPORT_USAGE =
  `usage: taskmasterd --import supervisord|pm2|procfile FILE [-o OUT.yaml] [--force] [--strict] [--json] [--env NAME]

  -o, --out FILE   write the result to FILE (atomically; never over an existing file)
      --force      allow -o to replace an existing file
      --strict     exit 1 when any setting was dropped
      --json       print {"yaml": …, "notes": […]} on stdout instead
      --env NAME   pm2 only: apply env_NAME on top of env (as pm2 start --env NAME)`;

/** Parsed import options. */
export interface ImportArgs {
  kind: ImportKind;
  file: string;
  out: string | null;
  force: boolean;
  strict: boolean;
  json: boolean;
  envName: string | null;
}

const KINDS: readonly ImportKind[] = ["supervisord", "pm2", "procfile"];

/** Parses the import command line (argv includes `--import`). */
export function parseImportArgs(argv: readonly string[]): ImportArgs | { error: string } {
  const args: Partial<ImportArgs> = {
    out: null,
    force: false,
    strict: false,
    json: false,
    envName: null,
  };
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v === "") throw new Error(`${arg} needs a value`);
      return v;
    };
    try {
      if (arg === "--import") {
        const kind = value();
        if (!KINDS.includes(kind as ImportKind)) {
          return { error: `--import takes ${KINDS.join(", ")} (got ${kind})` };
        }
        args.kind = kind as ImportKind;
      } else if (arg === "-o" || arg === "--out") args.out = value();
      else if (arg === "--env") args.envName = value();
      else if (arg === "--force") args.force = true;
      else if (arg === "--strict") args.strict = true;
      else if (arg === "--json") args.json = true;
      else if (arg.startsWith("-") && arg !== "-") {
        return { error: `unknown argument '${arg}' with --import` };
      } else positional.push(arg);
    } catch (e) {
      return { error: (e as Error).message };
    }
  }
  if (args.kind === undefined) return { error: "--import needs a format" };
  if (positional.length !== 1) return { error: `--import ${args.kind} needs exactly one FILE` };
  if (args.envName !== null && args.kind !== "pm2") {
    return { error: "--env applies to --import pm2 only" };
  }
  return { ...args, file: positional[0]! } as ImportArgs;
}

function readText(file: string): string {
  try {
    const info = Deno.statSync(file);
    if (!info.isFile) throw new Error("not a regular file");
    if (info.size > MAX_INI_BYTES) throw new Error(`larger than ${MAX_INI_BYTES} bytes`);
    return new TextDecoder("utf-8", { fatal: true }).decode(Deno.readFileSync(file));
  } catch (e) {
    throw new ImportError(`${file}: cannot read: ${e instanceof Error ? e.message : e}`);
  }
}

/** Converts `args.file`; throws ImportError. */
export async function convert(args: ImportArgs): Promise<ImportResult> {
  let draft: Draft;
  if (args.kind === "supervisord") {
    draft = importSupervisord(args.file, {
      readText: (path) => {
        const info = Deno.statSync(path);
        if (!info.isFile) throw new Error("not a regular file");
        if (info.size > MAX_INI_BYTES) throw new Error(`larger than ${MAX_INI_BYTES} bytes`);
        return new TextDecoder("utf-8", { fatal: true }).decode(Deno.readFileSync(path));
      },
      glob: (pattern) => globSync(pattern),
      env: Deno.env.toObject(),
      hostname: safeHostname(),
      userExists: (name) => lookupUser(name) !== null,
    });
  } else if (args.kind === "procfile") {
    draft = importProcfile(readText(args.file), args.file, folderOf(args.file));
  } else {
    if (/\.(?:c|m)?js$/i.test(args.file)) {
      throw new ImportError(
        `${args.file}: JavaScript ecosystem files are never evaluated; export it to JSON first (for example: node -e "console.log(JSON.stringify(require('./${
          args.file.split("/").pop()
        }'), null, 2))" > ecosystem.json)`,
      );
    }
    const text = readText(args.file);
    const JSON5 = (await import("json5")).default;
    let doc: unknown;
    try {
      doc = JSON5.parse(text);
    } catch (e) {
      // json5 puts the position in lineNumber/columnNumber; show it as FILE:LINE:COL.
      const { lineNumber, columnNumber } = e as { lineNumber?: number; columnNumber?: number };
      const where = lineNumber === undefined
        ? args.file
        : `${args.file}:${lineNumber}:${columnNumber ?? 1}`;
      const why = e instanceof Error
        ? e.message.replace(/^JSON5: /, "").replace(/ at \d+:\d+$/, "")
        : String(e);
      throw new ImportError(`${where}: not a JSON5 ecosystem file: ${why}`);
    }
    draft = importPm2(doc, args.file, {
      cpus: navigator.hardwareConcurrency || 1,
      envName: args.envName,
      userExists: (name) => lookupUser(name) !== null,
      groupExists: (name) => lookupGroup(name) !== null,
      dir: folderOf(args.file),
    });
  }
  return { yaml: emitYaml(draft), notes: allNotes(draft) };
}

function safeHostname(): string {
  try {
    return Deno.hostname();
  } catch {
    return "localhost";
  }
}

/** Runs the import command line; resolves with the exit code. */
export async function runImportCli(argv: readonly string[]): Promise<number> {
  if (argv.includes("-h") || argv.includes("--help")) {
    out(IMPORT_USAGE);
    return 0;
  }
  const args = parseImportArgs(argv);
  if ("error" in args) {
    err(`taskmasterd: ${args.error}\n${IMPORT_USAGE}`);
    return 2;
  }
  let result: ImportResult;
  try {
    result = await convert(args);
  } catch (e) {
    if (!(e instanceof ImportError)) throw e;
    if (args.json) out(JSON.stringify({ ok: false, errors: e.text.split("\n") }, null, 2));
    err(e.text);
    return 1;
  }
  const dropped = result.notes.some((n) => n.kind === "dropped");
  if (args.out !== null) {
    const refusal = writeNew(args.out, result.yaml, args.force);
    if (refusal !== null) {
      err(`taskmasterd: ${refusal}`);
      return 1;
    }
  }
  if (args.json) {
    out(
      JSON.stringify(
        { ok: !(args.strict && dropped), yaml: result.yaml, notes: result.notes, out: args.out },
        null,
        2,
      ),
    );
  } else {
    for (const note of result.notes) err(noteText(note));
    if (args.out === null) Deno.stdout.writeSync(new TextEncoder().encode(result.yaml));
  }
  return args.strict && dropped ? 1 : 0;
}

function out(text: string): void {
  Deno.stdout.writeSync(new TextEncoder().encode(text + "\n"));
}

function err(text: string): void {
  Deno.stderr.writeSync(new TextEncoder().encode(text + "\n"));
}
