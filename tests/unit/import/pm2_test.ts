import assert from "node:assert/strict";
import { importPm2, type Pm2Options } from "../../../src/import/pm2.ts";
import { allNotes } from "../../../src/import/types.ts";
import { emitYaml } from "../../../src/import/emit_yaml.ts";
import { parse } from "yaml";

const OPTS: Pm2Options = { cpus: 4, envName: null, dir: "/srv/app" };

function convert(doc: unknown, opts = OPTS) {
  const draft = importPm2(doc, "eco.json", opts);
  return { doc: parse(emitYaml(draft)), notes: allNotes(draft) };
}

Deno.test("apps as array, object or absent", () => {
  const app = { name: "api", script: "/usr/bin/api" };
  for (const doc of [{ apps: [app] }, { apps: app }, app, [app]]) {
    assert.deepEqual(Object.keys(convert(doc).doc.programs), ["api"]);
  }
});

Deno.test("script + interpreter + args, ms durations, INT stop, instances max → CPU count", () => {
  const { doc, notes } = convert({
    apps: [{
      name: "web",
      script: "server.js",
      args: "--port 3000 'two words'",
      instances: "max",
      exec_mode: "cluster",
      min_uptime: 5000,
      kill_timeout: "3s",
      max_restarts: 10,
      out_file: "/var/log/web.out",
      error_file: "/dev/null",
      watch: true,
      env: { NODE_ENV: "development", N: 1 },
      env_production: { NODE_ENV: "production" },
    }],
  }, { ...OPTS, envName: "production" });
  assert.deepEqual(doc.programs.web, {
    cmd: ["node", "server.js", "--port", "3000", "two words"],
    workingdir: "/srv/app",
    numprocs: 4,
    env: { NODE_ENV: "production", N: "1" },
    autorestart: true,
    startretries: 10,
    starttime: 5,
    stopsignal: "INT",
    stoptime: 3,
    stdout: "/var/log/web.out",
    stderr: "none",
  });
  for (const path of ["web.exec_mode", "web.watch"]) {
    assert(notes.some((n) => n.path === path && n.kind === "dropped"), path);
  }
});

Deno.test("other env_* blocks are noted; bad values are errors naming the app", () => {
  const { notes } = convert({ apps: [{ name: "a", script: "/bin/a", env_staging: {} }] });
  assert(notes.some((n) => n.path === "a.env_staging"));
  assert.throws(() => convert({ apps: [{ name: "a" }] }), /apps\[0\]: script is required/);
  assert.throws(() => convert({ apps: [{ script: "/bin/a", instances: "lots" }] }), /instances/);
});
