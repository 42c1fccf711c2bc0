/** The example's export equals the golden files (regenerate: `deno task export:golden`). */
import assert from "node:assert/strict";
import { GOLDEN_DIR, goldenFiles } from "../helpers/export_golden.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

function listed(dir: string, prefix = ""): string[] {
  return [...Deno.readDirSync(dir)].flatMap((e) =>
    e.isDirectory ? listed(`${dir}/${e.name}`, `${prefix}${e.name}/`) : [`${prefix}${e.name}`]
  );
}

Deno.test("export golden: the example renders exactly the golden files", async () => {
  const files = await goldenFiles();
  assert.deepEqual(listed(`${ROOT}${GOLDEN_DIR}`).sort(), [...files.keys()].sort());
  for (const [path, content] of files) {
    assert.equal(content, await Deno.readTextFile(`${ROOT}${GOLDEN_DIR}/${path}`), path);
  }
});

Deno.test("export golden: rendering twice gives the same bytes", async () => {
  assert.deepEqual(await goldenFiles(), await goldenFiles());
});
