import assert from "node:assert/strict";
import { globSync, segmentRegExp } from "../../../src/import/glob.ts";

const TREE: Record<string, string[]> = {
  "/etc": ["sv"],
  "/etc/sv": ["conf.d", "main.conf"],
  "/etc/sv/conf.d": ["b.conf", "a.conf", ".hidden.conf", "c.ini", "d1.conf"],
};
const list = (dir: string) => TREE[dir] ?? null;
const exists = (p: string) =>
  p in TREE || Object.entries(TREE).some(([d, n]) => n.some((x) => `${d}/${x}` === p));

Deno.test("python glob: *, ?, [..], sorted, hidden files only by a dot pattern", () => {
  assert.deepEqual(globSync("/etc/sv/conf.d/*.conf", list, exists), [
    "/etc/sv/conf.d/a.conf",
    "/etc/sv/conf.d/b.conf",
    "/etc/sv/conf.d/d1.conf",
  ]);
  assert.deepEqual(globSync("/etc/sv/conf.d/.*", list, exists), ["/etc/sv/conf.d/.hidden.conf"]);
  assert.deepEqual(globSync("/etc/sv/*/d?.conf", list, exists), ["/etc/sv/conf.d/d1.conf"]);
  assert.deepEqual(globSync("/etc/sv/conf.d/[!ab].*", list, exists), ["/etc/sv/conf.d/c.ini"]);
  assert.deepEqual(globSync("/etc/sv/main.conf", list, exists), ["/etc/sv/main.conf"]);
  assert.deepEqual(globSync("/etc/sv/none.conf", list, exists), []);
});

Deno.test("segment patterns escape regex characters; an unclosed [ is literal", () => {
  assert(segmentRegExp("a+b(1).conf").test("a+b(1).conf"));
  assert(segmentRegExp("x[").test("x["));
  assert(!segmentRegExp("*.conf").test("a.confx"));
});
