/**
 * The golden export of examples/taskmaster.yaml (tests/fixtures/export/golden/systemd|kubernetes)
 * and of examples/deps.yaml (golden/deps/…: depends_on and ready), rendered as if the configs
 * lived in /srv/taskmaster/ so the files do not depend on the checkout path (and a bare command
 * name as if found in /usr/bin). `deno task export:golden` writes them;
 * tests/integration/export_golden_test.ts compares.
 */
import { parseConfigText } from "../../src/config/load.ts";
import { renderExport } from "../../src/export/render.ts";
import { type ExportResult, noteLine } from "../../src/protocol/export.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

/** Folder of the golden files, relative to the repository. */
export const GOLDEN_DIR = "tests/fixtures/export/golden";

/** Golden file name → content. */
export async function goldenFiles(): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  await addExample(out, "taskmaster.yaml", "");
  await addExample(out, "deps.yaml", "deps/", (name) => `/usr/bin/${name}`);
  return out;
}

async function addExample(
  out: Map<string, string>,
  file: string,
  folder: string,
  resolveExe?: (name: string) => string,
): Promise<void> {
  const text = await Deno.readTextFile(`${ROOT}examples/${file}`);
  const loaded = parseConfigText(text, `examples/${file}`, `/srv/taskmaster/${file}`, {
    uid: 1000,
    gid: 1000,
  });
  if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.text).join("\n"));
  const add = (prefix: string, result: ExportResult | { error: string }) => {
    if ("error" in result) throw new Error(result.error);
    for (const f of result.files) out.set(`${folder}${prefix}/${f.path}`, f.content);
    out.set(`${folder}${prefix}/notes.txt`, result.notes.map((n) => noteLine(n) + "\n").join(""));
  };
  add("systemd", renderExport(loaded.config, "systemd", resolveExe ? { resolveExe } : {}));
  add(
    "kubernetes",
    renderExport(loaded.config, "kubernetes", { images: ["registry.example/taskmaster:1"] }),
  );
}
