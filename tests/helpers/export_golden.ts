/**
 * The golden export of examples/taskmaster.yaml (tests/fixtures/export/), rendered as if the
 * config lived at /srv/taskmaster/taskmaster.yaml so the files do not depend on the checkout
 * path. `deno task export:golden` writes them; tests/integration/export_golden_test.ts compares.
 */
import { parseConfigText } from "../../src/config/load.ts";
import { renderExport } from "../../src/export/render.ts";
import { type ExportResult, noteLine } from "../../src/protocol/export.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

/** Folder of the golden files, relative to the repository. */
export const GOLDEN_DIR = "tests/fixtures/export/golden";

/** Golden file name → content. */
export async function goldenFiles(): Promise<Map<string, string>> {
  const text = await Deno.readTextFile(`${ROOT}examples/taskmaster.yaml`);
  const loaded = parseConfigText(
    text,
    "examples/taskmaster.yaml",
    "/srv/taskmaster/taskmaster.yaml",
    { uid: 1000, gid: 1000 },
  );
  if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.text).join("\n"));
  const out = new Map<string, string>();
  const add = (prefix: string, result: ExportResult | { error: string }) => {
    if ("error" in result) throw new Error(result.error);
    for (const f of result.files) out.set(`${prefix}/${f.path}`, f.content);
    out.set(`${prefix}/notes.txt`, result.notes.map((n) => noteLine(n) + "\n").join(""));
  };
  add("systemd", renderExport(loaded.config, "systemd"));
  add(
    "kubernetes",
    renderExport(loaded.config, "kubernetes", { images: ["registry.example/taskmaster:1"] }),
  );
  return out;
}
