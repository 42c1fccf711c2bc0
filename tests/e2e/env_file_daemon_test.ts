/**
 * `env_file` through a real `taskmasterd` (docs/reload.md): a dry run lists a program whose env
 * file changed a value, a comment-only edit leaves it unchanged, and a broken env file fails the
 * reload with the env file's line while the running process is left alone.
 */
import assert from "node:assert/strict";
import { startDaemon } from "../helpers/daemon_harness.ts";
import { waitExeced } from "../helpers/wait_for.ts";
import { waitState } from "../reliability/lib/daemon_util.ts";
import type { ReloadResult } from "../../src/protocol/types.ts";

function writeEnv(dir: string, text: string): void {
  Deno.writeTextFileSync(`${dir}/app.env`, text);
  Deno.chmodSync(`${dir}/app.env`, 0o600);
}

Deno.test("env_file e2e: reload --dry-run sees env file edits by their variables", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tm-e2e-envfile-" });
  writeEnv(dir, "# v1\nGREETING=hello\n");
  const config = `taskmaster:\n  http: false\nprograms:\n  app:\n    cmd: /bin/sleep 1000\n` +
    `    starttime: 0\n    env_file: app.env\n`;
  const daemon = await startDaemon(config, { dir });
  try {
    const first = await waitState(daemon, "app", ["RUNNING"]);
    const dryRun = async () => {
      const reply = await daemon.call("reload", { dryRun: true });
      assert(reply.ok, JSON.stringify(reply));
      return reply.result as ReloadResult;
    };

    writeEnv(dir, "# v1 with a longer comment\n\nexport GREETING='hello'  # same\n");
    assert.deepEqual((await dryRun()).unchanged, ["app"]);

    writeEnv(dir, "GREETING=bonjour\n");
    assert.deepEqual((await dryRun()).changed, ["app"]);
    assert.equal((await waitState(daemon, "app", ["RUNNING"])).pid, first.pid, "dry run");

    writeEnv(dir, "GREETING=bonjour\nBROKEN\n");
    const failed = await daemon.call("reload", {});
    assert(!failed.ok, JSON.stringify(failed));
    assert.match(
      JSON.stringify(failed),
      /taskmaster\.yaml:7:15: programs\.app\.env_file\[0\]: app\.env:2: missing \\"=\\" after BROKEN/,
    );
    assert.equal((await waitState(daemon, "app", ["RUNNING"])).pid, first.pid, "failed reload");

    writeEnv(dir, "GREETING=bonjour\n");
    const applied = await daemon.call("reload", {});
    assert(applied.ok, JSON.stringify(applied));
    assert.deepEqual((applied.result as ReloadResult).changed, ["app"]);
    const after = await waitState(daemon, "app", ["RUNNING"]);
    assert.notEqual(after.pid, first.pid, "restarted with the new variables");
    await waitExeced(after.pid!);
    const environ = Deno.readTextFileSync(`/proc/${after.pid}/environ`).split("\0");
    assert(environ.includes("GREETING=bonjour"), "the new value reached the child");
  } finally {
    await daemon.stop(); // also removes `dir`
  }
});
