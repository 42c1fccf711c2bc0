import assert from "node:assert/strict";
import { denoStateFs } from "../../../src/state/state_fs.ts";

Deno.test("denoStateFs: createNew is exclusive with the given mode; rename, syncDir, remove", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tm-statefs-" });
  try {
    const temp = `${dir}/s.json.tmp-write`;
    const file = denoStateFs.createNew(temp, 0o600);
    file.writeAll(new TextEncoder().encode("{}\n"));
    file.sync();
    file.close();
    assert.equal((await Deno.stat(temp)).mode! & 0o777, 0o600);
    assert.throws(() => denoStateFs.createNew(temp, 0o600), Deno.errors.AlreadyExists);
    // A planted symlink is not followed: remove() unlinks the link itself.
    await Deno.symlink(`${dir}/elsewhere`, `${dir}/link`);
    denoStateFs.remove(`${dir}/link`);
    assert.equal(await Deno.lstat(`${dir}/link`).catch(() => null), null);
    denoStateFs.rename(temp, `${dir}/s.json`);
    denoStateFs.syncDir(dir);
    assert.equal(new TextDecoder().decode(denoStateFs.readFile(`${dir}/s.json`)), "{}\n");
    denoStateFs.remove(`${dir}/missing`); // no error
    assert.throws(() => denoStateFs.readFile(`${dir}/missing`), Deno.errors.NotFound);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
