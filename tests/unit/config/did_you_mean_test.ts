import assert from "node:assert/strict";
import { closestKey, editDistance } from "../../../src/config/did_you_mean.ts";

Deno.test("did-you-mean hints", () => {
  assert.equal(editDistance("kitten", "sitting"), 3);
  assert.equal(closestKey("numproc", ["numprocs", "umask"]), "numprocs");
  assert.equal(closestKey("UMASK", ["numprocs", "umask"]), "umask");
  assert.equal(closestKey("xyzzy", ["numprocs", "umask"]), null);
  assert.equal(closestKey("x".repeat(10000), ["numprocs"]), null);
});
