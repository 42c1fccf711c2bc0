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

// users.ts reads the fixed paths /etc/passwd and /etc/group (LoadOptions cannot inject them),
// so these checks rely on the root entries every Linux system has.

Deno.test("a digits-only string and a number both look up by id, not by name", () => {
  assert.deepEqual(lookupUser("0"), lookupUser(0));
  assert.deepEqual(lookupGroup("0"), lookupGroup(0));
  assert.equal(lookupGroup("0")?.name, "root");
});

Deno.test("unknown names and ids give null, never throw", () => {
  for (const v of ["", "root:x", "no such", -1, 1.5, Number.NaN]) {
    assert.equal(lookupUser(v), null, String(v));
    assert.equal(lookupGroup(v), null, String(v));
  }
});

Deno.test("the user entry carries the primary gid and the home folder", () => {
  const root = lookupUser("root")!;
  assert.equal(root.gid, 0);
  assert.ok(root.home.startsWith("/"));
});
