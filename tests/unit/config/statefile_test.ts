import assert from "node:assert/strict";
import { loadConfig } from "../../../src/config/load.ts";
import { stateFolderProblem } from "../../../src/config/statefile.ts";
import { bad, ok } from "./helpers.ts";

Deno.test("statefile: default beside the config, a relative path, an absolute path, false", () => {
  assert.equal(ok("programs: {}\n").daemon.statefile, "/srv/app/taskmasterd.state.json");
  assert.equal(
    ok("taskmaster: { statefile: state/intent.json }\nprograms: {}\n").daemon.statefile,
    "/srv/app/state/intent.json",
  );
  assert.equal(
    ok("taskmaster: { statefile: /var/lib/tm/s.json }\nprograms: {}\n").daemon.statefile,
    "/var/lib/tm/s.json",
  );
  assert.equal(ok("taskmaster: { statefile: false }\nprograms: {}\n").daemon.statefile, null);
});

Deno.test("statefile: true, a number, an empty string or a folder path are errors at the key", () => {
  for (
    const [value, message] of [
      ["true", "must be a path or false (got true)"],
      ["3", "must be a non-empty string (got 3)"],
      ['""', "must be a non-empty string"],
      ["/var/lib/", "must be a file path (got a folder)"],
    ] as const
  ) {
    const [error] = bad(`taskmaster:\n  statefile: ${value}\nprograms: {}\n`);
    assert.match(error!.text, /^cfg\.yaml:2:14: taskmaster\.statefile: /, value);
    assert.ok(error!.text.includes(message), `${value}: ${error!.text}`);
  }
});

Deno.test("statefile: the folder check is reported at the key, or at 1:1 for the default", () => {
  const folderProblem = (dir: string) => `folder ${dir} does not exist`;
  const [explicit] = bad("taskmaster:\n  statefile: /nope/s.json\nprograms: {}\n", {
    folderProblem,
  });
  assert.equal(
    explicit!.text,
    "cfg.yaml:2:14: taskmaster.statefile: /nope/s.json: folder /nope does not exist",
  );
  const [dflt] = bad("programs: {}\n", { folderProblem });
  assert.match(dflt!.text, /^cfg\.yaml:1:1: taskmaster\.statefile: .*folder \/srv\/app does not/);
  ok("taskmaster: { statefile: false }\nprograms: {}\n", { folderProblem });
});

Deno.test("loadConfig checks the real folder: missing, a file, fine", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tm-statefile-" });
  try {
    const path = `${dir}/taskmaster.yaml`;
    await Deno.writeTextFile(path, "taskmaster: { statefile: missing/s.json }\nprograms: {}\n");
    const missing = await loadConfig(path);
    assert.ok(!missing.ok);
    assert.match(
      missing.errors[0]!.text,
      /taskmaster\.statefile: .*folder .*missing does not exist/,
    );
    await Deno.writeTextFile(`${dir}/afile`, "");
    await Deno.writeTextFile(path, "taskmaster: { statefile: afile/s.json }\nprograms: {}\n");
    const notDir = await loadConfig(path);
    assert.ok(!notDir.ok);
    assert.match(notDir.errors[0]!.text, /afile is not a folder/);
    await Deno.writeTextFile(path, "programs: {}\n");
    const fine = await loadConfig(path);
    assert.ok(fine.ok);
    assert.equal(fine.config.daemon.statefile, `${dir}/taskmasterd.state.json`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("stateFolderProblem: the mode bits decide for a non-root user", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tm-statefile-" });
  try {
    // Owned by ids nobody here has (the test runs as root, which may chown).
    const owner = 4321;
    if (Deno.uid() === 0) await Deno.chown(dir, owner, owner);
    const info = await Deno.stat(dir);
    await Deno.chmod(dir, 0o500);
    assert.match(stateFolderProblem(dir, info.uid!, [])!, /not writable by this user/);
    assert.equal(stateFolderProblem(dir, 0, []), null, "root passes the mode check");
    await Deno.chmod(dir, 0o770);
    assert.equal(stateFolderProblem(dir, info.uid! + 1, [info.gid!]), null, "group may write");
    assert.match(stateFolderProblem(dir, info.uid! + 1, [])!, /not writable/);
  } finally {
    await Deno.chmod(dir, 0o700);
    await Deno.remove(dir, { recursive: true });
  }
});
