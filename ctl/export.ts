/**
 * `taskmasterctl export TARGET …` (docs/cli.md "Export"): asks the daemon to render its live
 * config (`POST /v1/export`) and writes the result here, with the same rules and exit codes as
 * `taskmasterd --export` (src/protocol/export_emit.ts).
 */
import { emptyExportArgs, type ExportArgs, setExportTarget } from "../src/protocol/export_args.ts";
import { emitExport } from "../src/protocol/export_emit.ts";
import { CtlError, EXIT } from "./errors.ts";
import { denoExportFs } from "../src/os/export_fs.ts";
import type { Session } from "./session.ts";

/** The command's options as commander parses them. */
export interface ExportCommandOptions {
  out?: string;
  name?: string;
  image?: string[];
  namespace?: string;
  strict?: boolean;
  force?: boolean;
}

/** Runs `export` against the daemon of `s`; sets the session's exit code. */
export async function cmdExport(
  s: Session,
  target: string,
  o: ExportCommandOptions,
  json: boolean,
): Promise<void> {
  const args: ExportArgs = {
    ...emptyExportArgs(),
    out: o.out ?? null,
    name: o.name ?? null,
    images: o.image ?? [],
    namespace: o.namespace ?? null,
    strict: Boolean(o.strict),
    force: Boolean(o.force),
    json,
  };
  const problem = setExportTarget(args, target);
  if (problem !== null || args.target === null) throw new CtlError(EXIT.usage, problem ?? "");
  const result = await (await s.client()).call("export", {
    target: args.target,
    ...(args.name === null ? {} : { name: args.name }),
    ...(args.namespace === null ? {} : { namespace: args.namespace }),
    images: args.images,
  });
  s.exitCode = await emitExport(result, args, {
    fs: denoExportFs,
    stdout: (text) => s.out(text),
    stderr: (text) => s.err(text),
    cwd: Deno.cwd(),
  });
}
