/**
 * The export renderer (docs/export.md): a resolved Config → `{files, notes}`, pure and
 * reproducible (same config and options, same bytes). Both `taskmasterd --export` and the
 * daemon's `export` command call it; writing the files is export_write.ts's job.
 */
import type { Config } from "../config/types.ts";
import {
  appNameProblem,
  defaultAppName,
  type ExportFailure,
  exportHeader,
  type ExportOptions,
  type ExportResult,
  type ExportTarget,
} from "../protocol/export.ts";
import type { DesiredStates } from "./desired.ts";
import { renderKubernetes } from "./kubernetes.ts";
import { keyNotes, NoteSink } from "./notes.ts";
import { renderSystemd } from "./systemd.ts";

/** Options of one render, beyond the command-line ones. */
export interface RenderOptions extends ExportOptions {
  /** Operator intent per process or program name; absent: each program's `autostart`. */
  readonly desired?: DesiredStates;
  /** PATH lookup of a bare command name at export time; absent: names stay as written. */
  readonly resolveExe?: (name: string) => string | null;
}

/** Renders `config` for `target`; a failure says whether it is a usage error (exit 2) or not. */
export function renderExport(
  config: Config,
  target: ExportTarget,
  options: RenderOptions = {},
): ExportResult | ExportFailure {
  const app = options.name ?? defaultAppName(config.path);
  const problem = appNameProblem(app);
  if (problem !== null) return { kind: "usage", error: problem };
  const header = exportHeader(app, config.file);
  const notes = new NoteSink();
  keyNotes(config, target, notes);
  if (target === "systemd") {
    const files = renderSystemd(config, {
      app,
      header,
      desired: options.desired,
      resolveExe: options.resolveExe ?? (() => null),
      notes,
    });
    return { target, app, files, notes: notes.sorted() };
  }
  const file = renderKubernetes(config, {
    app,
    header,
    desired: options.desired,
    images: options.images ?? [],
    namespace: options.namespace,
  });
  if ("error" in file) return file;
  return { target, app, files: [file], notes: notes.sorted() };
}
