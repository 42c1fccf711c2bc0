/**
 * systemd proof of export (docs/export.md "Proof"): the exported example and a config that uses
 * every key pass `systemd-analyze verify --recursive-errors=yes` with empty stderr, and the
 * `systemd --test --user` dump shows the intended argv, environment, KillSignal and
 * TimeoutStopSec for hostile values. Skipped where the `systemd` package is missing.
 */
import assert from "node:assert/strict";
import { cp } from "node:fs/promises";
import { loadConfig, parseConfigText } from "../../src/config/load.ts";
import { findOnPath } from "../../src/export/path_lookup.ts";
import { renderExport } from "../../src/export/render.ts";
import type { ExportResult } from "../../src/protocol/export.ts";
import { dumpUnits, hasSystemd, verifyUnits } from "../helpers/systemd_tools.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const ignore = !hasSystemd();

async function writeAll(dir: string, result: ExportResult): Promise<void> {
  for (const f of result.files) await Deno.writeTextFile(`${dir}/${f.path}`, f.content);
}

async function tempDir(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "tm-export-" });
  await Deno.chmod(dir, 0o755);
  return dir;
}

Deno.test({
  name: "export systemd: the example verifies with empty stderr",
  ignore,
  async fn() {
    const dir = await tempDir();
    try {
      // A copy of examples/, with the deliberately missing bin/broken stubbed: verify checks
      // that every ExecStart= executable exists.
      await cp(`${ROOT}examples`, `${dir}/app`, { recursive: true });
      await Deno.writeTextFile(`${dir}/app/bin/broken`, "#!/bin/sh\nexit 1\n", { mode: 0o755 });
      const loaded = await loadConfig(`${dir}/app/taskmaster.yaml`);
      assert.ok(loaded.ok);
      const result = renderExport(loaded.config, "systemd");
      assert.ok(!("error" in result));
      await writeAll(dir, result);
      const verified = await verifyUnits(dir);
      assert.equal(verified.stderr, "");
      assert.equal(verified.code, 0);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "export systemd: examples/deps.yaml verifies; dependencies load in the dump",
  ignore,
  async fn() {
    const dir = await tempDir();
    try {
      const loaded = await loadConfig(`${ROOT}examples/deps.yaml`);
      assert.ok(loaded.ok);
      const result = renderExport(loaded.config, "systemd", { resolveExe: findOnPath });
      assert.ok(!("error" in result));
      await writeAll(dir, result);
      const verified = await verifyUnits(dir);
      assert.equal(verified.stderr, "");
      assert.equal(verified.code, 0);
      const dump = await dumpUnits(dir, "deps");
      // database has autostart false: its dependents pull it in.
      assert.equal(dump.get("deps-database.service")?.type, "exec");
      assert.equal(dump.get("deps-migrate.service")?.type, "oneshot");
      assert.equal(dump.get("deps-migrate.service")?.remainAfterExit, "yes");
      assert.deepEqual(dump.get("deps-web@1.service")?.requires, [
        "deps-database.service",
        "deps-migrate.service",
      ]);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "export systemd: a config with every key verifies with empty stderr",
  ignore,
  async fn() {
    const dir = await tempDir();
    try {
      const text = await Deno.readTextFile(`${ROOT}tests/fixtures/export/every_key.yaml`);
      await Deno.mkdir(`${dir}/work`);
      const loaded = parseConfigText(text, "every_key.yaml", `${dir}/every_key.yaml`, {
        uid: 0,
        gid: 0,
      });
      assert.ok(loaded.ok, loaded.ok ? "" : loaded.errors.map((e) => e.text).join("\n"));
      const result = renderExport(loaded.config, "systemd");
      assert.ok(!("error" in result));
      await writeAll(dir, result);
      const verified = await verifyUnits(dir);
      assert.equal(verified.stderr, "");
      assert.equal(verified.code, 0);
      const dump = await dumpUnits(dir, "every_key");
      const every = dump.get("every_key-every@1.service");
      assert.ok(every);
      assert.deepEqual(every.argv, ["/bin/sh", "-c", 'echo "50% of $HOME"; sleep 100']);
      assert.ok(every.env.includes('MODE=a %i "q" \\ $x'), every.env.join("\n"));
      assert.ok(every.env.includes("TASKMASTER_PROCESS_NAME=every:1"));
      assert.ok(every.env.includes("TASKMASTER_PROCESS_NUM=1"));
      assert.equal(every.killSignal, "SIGUSR1");
      assert.equal(every.timeoutStop, "1ms");
      // autostart false: the unit exists but the target does not pull it in.
      assert.equal(dump.get("every_key-once.job.service"), undefined);
      const once = result.files.find((f) => f.path === "every_key-once.job.service");
      assert.match(once?.content ?? "", /^TimeoutStopSec=1500ms$/m);
      assert.equal(dump.get("every_key-always.service")?.timeoutStop, "10s");
      // depends_on: Requires= + After= on each unit (every instance of a template); a
      // `completed` dependency is a oneshot that stays active; an autostart false dependency
      // (db) is pulled in by its dependents.
      const deps = [
        "every_key-api.service",
        "every_key-db.service",
        "every_key-every@0.service",
        "every_key-every@1.service",
        "every_key-migrate.service",
      ];
      for (const i of [0, 1]) {
        const w = dump.get(`every_key-workers@${i}.service`);
        assert.deepEqual(w?.requires, deps);
        assert.deepEqual(w?.after, deps);
        assert.equal(w?.type, "exec");
      }
      const migrate = dump.get("every_key-migrate.service");
      assert.equal(migrate?.type, "oneshot");
      assert.equal(migrate?.remainAfterExit, "yes");
      assert.deepEqual(migrate?.requires, ["every_key-db.service"]);
      assert.deepEqual(dump.get("every_key-api.service")?.after, ["every_key-db.service"]);
      assert.equal(dump.get("every_key-db.service")?.type, "exec");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "export systemd: hostile values arrive intact in the dump; control characters noted",
  ignore,
  async fn() {
    const dir = await tempDir();
    try {
      const text = [
        "programs:",
        "  h:",
        '    cmd: ["/bin/echo", "50% \\"q\\" \\\\back $HOME ${X}", "a b", "new\\nline", "tab\\tx", "ünï", ""]',
        "    stopsignal: HUP",
        "    stoptime: 7",
        '    env: { P: "% \\" \\\\ $ x %n", BAD: "a\\u0001b", SP: " lead and trail " }',
        "",
      ].join("\n");
      const loaded = parseConfigText(text, "h.yaml", `${dir}/h.yaml`);
      assert.ok(loaded.ok, loaded.ok ? "" : loaded.errors.map((e) => e.text).join("\n"));
      const result = renderExport(loaded.config, "systemd", { name: "hostile" });
      assert.ok(!("error" in result));
      assert.deepEqual(result.notes, [{
        key: "h.env",
        kind: "dropped",
        message: "BAD: value holds a control character (U+0001)",
      }]);
      await writeAll(dir, result);
      const verified = await verifyUnits(dir);
      assert.equal(verified.stderr, "");
      const unit = (await dumpUnits(dir, "hostile")).get("hostile-h.service");
      assert.ok(unit);
      assert.deepEqual(unit.argv, loaded.config.programs[0]!.argv);
      assert.ok(unit.env.includes('P=% " \\ $ x %n'));
      assert.ok(unit.env.includes("SP= lead and trail "));
      assert.ok(!unit.env.some((e) => e.startsWith("BAD=")));
      assert.equal(unit.killSignal, "SIGHUP");
      assert.equal(unit.timeoutStop, "7s");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "examples/taskmasterd.service verifies with empty stderr",
  ignore,
  async fn() {
    const dir = await tempDir();
    try {
      // verify checks that ExecStart= exists: point it at stand-ins in the temp folder.
      for (const bin of ["taskmasterd", "taskmasterctl"]) {
        await Deno.writeTextFile(`${dir}/${bin}`, "#!/bin/sh\n", { mode: 0o755 });
      }
      const text = (await Deno.readTextFile(`${ROOT}examples/taskmasterd.service`))
        .replaceAll("/usr/local/bin/", `${dir}/`);
      await Deno.writeTextFile(`${dir}/taskmasterd.service`, text);
      const verified = await verifyUnits(dir);
      assert.equal(verified.stderr, "");
      assert.equal(verified.code, 0);
      assert.doesNotMatch(/^ExecStart=.*$/m.exec(text)?.[0] ?? "", / -d\b|--daemonize/);
      assert.match(text, /^KillMode=mixed$/m);
      assert.match(text, /^RestartPreventExitStatus=2$/m);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
