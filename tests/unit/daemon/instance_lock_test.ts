import assert from "node:assert/strict";
import { acquireInstanceLock, lockPathFor } from "../../../src/daemon/instance_lock.ts";

Deno.test("instance lock: one holder at a time, free again once released", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const socket = `${dir}/d.sock`;
    const first = acquireInstanceLock(socket);
    assert.ok(first);
    assert.equal(first.path, lockPathFor(socket));
    // flock(2) conflicts between open files even inside one process: this is what a second
    // daemon meets.
    assert.equal(acquireInstanceLock(socket), null);
    first.release();
    first.release();
    const again = acquireInstanceLock(socket);
    assert.ok(again, "released lock can be taken again");
    again.release();
    assert.equal((await Deno.stat(lockPathFor(socket))).mode! & 0o777, 0o600);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("instance lock: a lock file that cannot be opened is an error naming it", () => {
  assert.throws(
    () => acquireInstanceLock("/nonexistent-dir-for-lock-test/d.sock"),
    /cannot open the lock file \/nonexistent-dir-for-lock-test\/d\.sock\.lock: /,
  );
});
