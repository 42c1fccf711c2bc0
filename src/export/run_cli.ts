/**
 * `taskmasterd --export TARGET -c FILE …` (docs/cli.md "Export"): loads the config exactly like
 * `-t` (same error lines, exit 1), renders it with each program's `autostart` as the desired
 * state (no daemon, no state file), and emits the result. Resolves with the exit code.
 */
import { loadConfig } from "../config/load.ts";
import type { ExportArgs } from "../protocol/export_args.ts";
import { emitExport } from "../protocol/export_emit.ts";
import type { ExportTarget } from "../protocol/export.ts";
import { denoExportFs } from "../os/export_fs.ts";
import { findOnPath } from "./path_lookup.ts";
import { renderExport, type RenderOptions } from "./render.ts";

/** Runs one export of the config at `file`. */
export async function runExportCli(
  args: ExportArgs & { target: ExportTarget },
  file: string,
): Promise<number> {
  const loaded = await loadConfig(file);
  const err = (text: string) => Deno.stderr.writeSync(new TextEncoder().encode(text));
  if (!loaded.ok) {
    for (const error of loaded.errors) err(error.text + "\n");
    return 1;
  }
  const options: RenderOptions = {
    ...(args.name === null ? {} : { name: args.name }),
    ...(args.namespace === null ? {} : { namespace: args.namespace }),
    images: args.images,
    resolveExe: findOnPath,
  };
  const result = renderExport(loaded.config, args.target, options);
  if ("error" in result) {
    err(`taskmasterd: export: ${result.error}\n`);
    return result.kind === "usage" ? 2 : 1;
  }
  return await emitExport(result, args, {
    fs: denoExportFs,
    stdout: (text) => Deno.stdout.writeSync(new TextEncoder().encode(text)),
    stderr: err,
    cwd: Deno.cwd(),
  });
}
