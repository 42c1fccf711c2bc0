import assert from "node:assert/strict";
import { writeNew } from "../../../src/import/write_out.ts";

Deno.test("writeNew: creates, refuses an existing file, replaces with force, leaves no temp", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tm-import-w-" });
  try {
    const path = `${dir}/out.yaml`;
    assert.equal(writeNew(path, "one\n", false), null);
    assert.match(writeNew(path, "two\n", false)!, /exists; not overwritten \(use --force\)/);
    assert.equal(Deno.readTextFileSync(path), "one\n");
    assert.equal(writeNew(path, "three\n", true), null);
    assert.equal(Deno.readTextFileSync(path), "three\n");
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["out.yaml"]);
    assert.match(writeNew(`${dir}/missing/out.yaml`, "x", false)!, /cannot write/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
