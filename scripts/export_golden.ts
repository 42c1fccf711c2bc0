/**
 * `deno task export:golden`: rewrites the golden export of the example
 * (tests/fixtures/export/golden/) after an intended change of the renderer.
 */
import { GOLDEN_DIR, goldenFiles } from "../tests/helpers/export_golden.ts";

const ROOT = new URL("../", import.meta.url).pathname;
await Deno.remove(`${ROOT}${GOLDEN_DIR}`, { recursive: true }).catch(() => {});
for (const [path, content] of await goldenFiles()) {
  const full = `${ROOT}${GOLDEN_DIR}/${path}`;
  await Deno.mkdir(full.slice(0, full.lastIndexOf("/")), { recursive: true });
  await Deno.writeTextFile(full, content);
  console.log(`wrote ${GOLDEN_DIR}/${path}`);
}
