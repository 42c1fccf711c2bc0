/**
 * What both binaries do with a rendered export (docs/cli.md "Export"): notes on stderr (or the
 * whole result as JSON on stdout with `--json`), files written through export_write.ts, and the
 * exit code: 0; 1 when `--strict` meets a dropped note (nothing is written then) or writing
 * fails or is refused. I/O comes in through {@link ExportIo}, so this stays pure.
 */
import { type ExportResult, noteLine } from "./export.ts";
import type { ExportArgs } from "./export_args.ts";
import { type ExportFs, writeExportDir, writeExportFile } from "./export_write.ts";

/** The outside world of one export run. */
export interface ExportIo {
  readonly fs: ExportFs;
  /** Writes text as is (callers add line ends). */
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** The current folder, the default `--out` of a systemd export. */
  readonly cwd: string;
}

/** Emits `result` per `args`; resolves with the exit code. */
export async function emitExport(
  result: ExportResult,
  args: ExportArgs,
  io: ExportIo,
): Promise<number> {
  if (args.json) io.stdout(JSON.stringify(result, null, 2) + "\n");
  else for (const note of result.notes) io.stderr(noteLine(note) + "\n");
  const lossy = result.notes.filter((n) => n.kind === "dropped");
  if (args.strict && lossy.length > 0) {
    io.stderr(`export: --strict: ${lossy.length} dropped key(s); nothing written\n`);
    return 1;
  }
  if (result.target === "kubernetes" && args.out === null) {
    if (!args.json) io.stdout(result.files[0]?.content ?? "");
    return 0;
  }
  const outcome = result.target === "kubernetes"
    ? await writeExportFile(io.fs, args.out!, result.app, result.files[0]!, args.force)
    : await writeExportDir(io.fs, args.out ?? io.cwd, result, args.force);
  if ("error" in outcome) {
    io.stderr(`export: ${outcome.error}\n`);
    return 1;
  }
  return 0;
}
