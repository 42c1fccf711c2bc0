import assert from "node:assert/strict";
import { lookupGroup, lookupUser } from "../../../src/config/users.ts";

Deno.test("lookupUser/lookupGroup read /etc/passwd and /etc/group", () => {
  assert.deepEqual(lookupUser("root"), { uid: 0, gid: 0, name: "root", home: "/root" });
  assert.equal(lookupUser(0)?.name, "root");
  assert.equal(lookupUser("0")?.name, "root");
  assert.equal(lookupUser("no-such-user-xyz"), null);
  assert.equal(lookupUser(4294967295), null);
  assert.equal(lookupGroup("root")?.gid, 0);
  assert.equal(lookupGroup(0)?.name, "root");
  assert.equal(lookupGroup("no-such-group-xyz"), null);
});
