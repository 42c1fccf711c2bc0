import assert from "node:assert/strict";
import { closestKey, editDistance, unknownKeyMessage } from "../../../src/config/did_you_mean.ts";

Deno.test("did-you-mean hints", () => {
  assert.equal(editDistance("kitten", "sitting"), 3);
  assert.equal(closestKey("numproc", ["numprocs", "umask"]), "numprocs");
  assert.equal(closestKey("UMASK", ["numprocs", "umask"]), "umask");
  assert.equal(closestKey("xyzzy", ["numprocs", "umask"]), null);
  assert.equal(closestKey("x".repeat(10000), ["numprocs"]), null);
});

Deno.test("editDistance counts insertions, deletions and substitutions", () => {
  assert.equal(editDistance("", ""), 0);
  assert.equal(editDistance("abc", ""), 3);
  assert.equal(editDistance("", "abc"), 3);
  assert.equal(editDistance("abc", "abc"), 0);
  assert.equal(editDistance("abc", "abd"), 1);
  assert.equal(editDistance("stoptime", "stoptme"), 1);
});

Deno.test("editDistance of very long strings is cheap and never small", () => {
  assert.ok(editDistance("a".repeat(5000), "a") > 200);
  assert.ok(editDistance("a".repeat(300), "a".repeat(300)) >= 200);
});

Deno.test("closestKey: short keys may differ by 2, longer ones by a third of their length", () => {
  assert.equal(closestKey("ab", ["abcd"]), "abcd");
  assert.equal(closestKey("ab", ["abcde"]), null);
  assert.equal(closestKey("exitcods", ["exitcodes", "stoptime"]), "exitcodes");
  assert.equal(closestKey("autorestar", ["autostart", "autorestart"]), "autorestart");
});

Deno.test("closestKey: the first of equally close candidates wins; none for no candidates", () => {
  assert.equal(closestKey("ab", ["ax", "ay"]), "ax");
  assert.equal(closestKey("ab", []), null);
});

Deno.test("unknownKeyMessage: a hint when one is close, else the allowed keys", () => {
  assert.equal(
    unknownKeyMessage("numproc", ["numprocs", "cmd"]),
    'unknown key (did you mean "numprocs"?)',
  );
  assert.equal(
    unknownKeyMessage("zzzzzz", ["numprocs", "cmd"]),
    "unknown key (allowed: numprocs, cmd)",
  );
});
