/** childEnv precedence (docs/lifecycle.md "Environment of children"). */
import assert from "node:assert/strict";
import { childEnv } from "../../../src/process/spawner.ts";
import { makeSpec } from "../../helpers/specs.ts";

Deno.test("childEnv: daemon env minus secrets < uid's HOME/USER/LOGNAME < program env < TASKMASTER_*", () => {
  const spec = makeSpec({
    name: "web",
    argv: ["/bin/true"],
    identity: { uid: 1000, gid: 1000, user: "alice", home: "/home/alice" },
    // As loaded: env_file variables (HOME, ML) with `env` (USER) over them.
    env: { HOME: "/from/env_file", ML: "l1\nl2", USER: "from-env", TASKMASTER_PROGRAM: "spoof" },
  });
  const env = childEnv(
    { spec, processName: "web", index: 0, stdout: "null", stderr: "null", secretEnv: ["SECRET"] },
    { SECRET: "s3cret", PATH: "/bin", HOME: "/root", USER: "root", LOGNAME: "root" },
  );
  assert.equal(env.SECRET, undefined);
  assert.equal(env.PATH, "/bin");
  assert.equal(env.HOME, "/from/env_file");
  assert.equal(env.USER, "from-env");
  assert.equal(env.LOGNAME, "alice");
  assert.equal(env.ML, "l1\nl2");
  assert.equal(env.TASKMASTER_PROGRAM, "web");
});
