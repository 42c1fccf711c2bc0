import assert from "node:assert/strict";
import { lookupUser } from "../../../src/config/users.ts";
import { bad, ok, prog } from "./helpers.ts";

const nobody = lookupUser("nobody");

Deno.test({
  name: "uid without gid takes the user's primary group; names, numbers and digit strings work",
  ignore: nobody === null,
  fn() {
    for (const v of ["nobody", String(nobody!.uid), `"${nobody!.uid}"`]) {
      const id = ok(prog(`uid: ${v}`)).programs[0]!.identity;
      assert.deepEqual(id, {
        uid: nobody!.uid,
        gid: nobody!.gid,
        user: "nobody",
        home: nobody!.home,
      });
    }
  },
});

Deno.test({
  name: "program uid/gid override the global ones; global ones fold in",
  ignore: nobody === null,
  fn() {
    const c = ok(`taskmaster: { uid: nobody, gid: root }
programs:
  a: { cmd: x }
  b: { cmd: x, uid: root }
  c: { cmd: x, gid: ${nobody!.gid} }
`);
    const [a, b, cc] = c.programs;
    assert.deepEqual([a!.identity?.uid, a!.identity?.gid], [nobody!.uid, 0]);
    assert.deepEqual([b!.identity?.uid, b!.identity?.gid, b!.identity?.home], [0, 0, "/root"]);
    assert.deepEqual([cc!.identity?.uid, cc!.identity?.gid], [nobody!.uid, nobody!.gid]);
  },
});

Deno.test("gid alone keeps the daemon's user", () => {
  const id = ok(prog("gid: root"), { uid: 0, gid: 0 }).programs[0]!.identity;
  assert.deepEqual(id, { uid: 0, gid: 0, user: "root", home: "/root" });
});

Deno.test({
  name: "not root: a foreign uid/gid is an error, one's own is fine",
  ignore: nobody === null,
  fn() {
    const e = bad(prog("uid: root"), { uid: nobody!.uid, gid: nobody!.gid });
    assert.match(
      e[0]!.text,
      /programs\.web\.uid: cannot run programs as user root .*not running as root/,
    );
    const g = bad(prog("gid: root"), { uid: nobody!.uid, gid: nobody!.gid });
    assert.match(g[0]!.text, /programs\.web\.gid: cannot run programs as group root/);
    const t = bad("taskmaster: { uid: root }\nprograms: {}\n", {
      uid: nobody!.uid,
      gid: nobody!.gid,
    });
    assert.equal(t[0]!.path, "taskmaster.uid");
    ok(prog("uid: nobody"), { uid: nobody!.uid, gid: nobody!.gid });
  },
});
