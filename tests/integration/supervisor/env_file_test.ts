/**
 * `env_file` end to end with real children: a config loaded from disk, the variables a child
 * sees (precedence per docs/lifecycle.md "Environment of children"), and reload comparing the
 * resulting variables (docs/reload.md).
 */
import assert from "node:assert/strict";
import { loadConfig } from "../../../src/config/load.ts";
import type { Config } from "../../../src/config/types.ts";
import { waitFor } from "../../helpers/wait_for.ts";
import { bin, withRig } from "./harness.ts";

async function load(path: string): Promise<Config> {
  const result = await loadConfig(path);
  if (!result.ok) throw new Error(result.errors.map((e) => e.text).join("\n"));
  return result.config;
}

function write(path: string, text: string): void {
  Deno.writeTextFileSync(path, text);
  Deno.chmodSync(path, 0o600);
}

async function withFiles(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "tm-envfile-it-" });
  try {
    await body(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const stdoutOf = (r: { outputs: Map<string, { text: { stdout: string } }> }, name: string) =>
  r.outputs.get(name)?.text.stdout ?? "";

Deno.test("env_file: a real child sees daemon env < env files in order < env < TASKMASTER_*; uid's HOME overridable", async () => {
  Deno.env.set("TM_EF_BASE", "daemon");
  Deno.env.set("TM_EF_OVER", "daemon");
  try {
    await withFiles(async (dir) => {
      write(
        `${dir}/a.env`,
        [
          "# first file",
          "export TM_EF_OVER=a",
          "TM_EF_ORDER=a",
          "TM_EF_ENV=a",
          'TM_EF_ML="l1\\nl2"',
          "TM_EF_LIT='$TM_EF_BASE'",
          "HOME=/from/env_file",
          "TASKMASTER_PROGRAM=spoofed",
        ].join("\r\n"),
      );
      write(`${dir}/b.env`, "TM_EF_ORDER=b\n");
      write(
        `${dir}/cfg.yaml`,
        [
          "programs:",
          "  envy:",
          `    cmd: ${bin("print_env")}`,
          "    starttime: 0",
          "    stoptime: 2",
          "    uid: nobody",
          "    env_file: [a.env, b.env, { path: none.env, required: false }]",
          "    env: { TM_EF_ENV: env }",
        ].join("\n"),
      );
      const cfg = await load(`${dir}/cfg.yaml`);
      await withRig(cfg, async (r) => {
        const [res] = await r.sup.start(["envy"]);
        assert.equal(res?.ok, true, res?.message ?? "no result");
        const text = await waitFor(
          () => stdoutOf(r, "envy").includes("ready") ? stdoutOf(r, "envy") : null,
          {
            what: "ready",
          },
        );
        assert.match(text, /^TM_EF_BASE=daemon$/m);
        assert.match(text, /^TM_EF_OVER=a$/m);
        assert.match(text, /^TM_EF_ORDER=b$/m);
        assert.match(text, /^TM_EF_ENV=env$/m);
        assert.match(text, /^TM_EF_ML=l1\nl2$/m);
        assert.match(text, /^TM_EF_LIT=\$TM_EF_BASE$/m);
        assert.match(text, /^HOME=\/from\/env_file$/m, "env file overrides the uid's HOME");
        assert.match(text, /^USER=nobody$/m);
        assert.match(text, /^TASKMASTER_PROGRAM=envy$/m);
      });
    });
  } finally {
    Deno.env.delete("TM_EF_BASE");
    Deno.env.delete("TM_EF_OVER");
  }
});

Deno.test("env_file: reload compares variables: comment edit unchanged, value edit restarts", async () => {
  await withFiles(async (dir) => {
    write(`${dir}/app.env`, "# v1\nTM_EF_V=one\n");
    write(
      `${dir}/cfg.yaml`,
      [
        "programs:",
        "  app:",
        `    cmd: ${bin("print_env")}`,
        "    starttime: 0",
        "    stoptime: 2",
        "    env_file: app.env",
        "  other:",
        `    cmd: ${bin("forever")}`,
        "    starttime: 0",
      ].join("\n"),
    );
    const cfg = await load(`${dir}/cfg.yaml`);
    await withRig(cfg, async (r) => {
      r.sup.startAutostart();
      await Promise.all([r.waitEvent("running", "app"), r.waitEvent("running", "other")]);
      const pid = r.sup.status(["app"])[0]?.pid;

      write(`${dir}/app.env`, "# v1, reworded comment\n\nTM_EF_V=one # same value\n");
      r.next = { ok: true, config: await load(`${dir}/cfg.yaml`) };
      const same = await r.sup.reload({ dryRun: true });
      assert.deepStrictEqual(same, {
        added: [],
        changed: [],
        removed: [],
        unchanged: ["app", "other"],
      });
      await r.sup.reload({ dryRun: false });
      assert.equal(r.sup.status(["app"])[0]?.pid, pid, "comment-only edit keeps the process");

      write(`${dir}/app.env`, "TM_EF_V=two\n");
      r.next = { ok: true, config: await load(`${dir}/cfg.yaml`) };
      const plan = await r.sup.reload({ dryRun: true });
      assert.deepStrictEqual(plan, {
        added: [],
        changed: ["app"],
        removed: [],
        unchanged: ["other"],
      });
      assert.equal(r.sup.status(["app"])[0]?.pid, pid, "dry run changes nothing");
      await r.sup.reload({ dryRun: false });
      await waitFor(() => stdoutOf(r, "app").includes("TM_EF_V=two") ? true : null, {
        what: "the restarted child with the new value",
      });
      assert.notEqual(r.sup.status(["app"])[0]?.pid, pid);
    });
  });
});
