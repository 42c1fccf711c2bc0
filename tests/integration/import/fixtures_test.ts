/**
 * Real-world-like files of each kind (fixture text written for these tests, imitating what the
 * named public projects ship), imported and then validated by the real config loader, as
 * `taskmasterd -t` does (docs/import.md).
 */
import assert from "node:assert/strict";
import { parse } from "yaml";
import { convert, type ImportArgs } from "../../../src/import/cli.ts";
import { parseConfigText } from "../../../src/config/load.ts";
import type { Note } from "../../../src/import/types.ts";

const DIR = new URL("../../fixtures/import/", import.meta.url).pathname;

async function imported(kind: ImportArgs["kind"], file: string, envName: string | null = null) {
  const args: ImportArgs = {
    kind,
    file: DIR + file,
    out: null,
    force: false,
    strict: false,
    json: false,
    envName,
  };
  const result = await convert(args);
  const loaded = parseConfigText(result.yaml, "imported.yaml", "/tmp/imported/imported.yaml");
  return {
    result,
    loaded,
    doc: parse(result.yaml),
    has: (path: string, kind?: Note["kind"]) =>
      result.notes.some((n) => n.path === path && (kind === undefined || n.kind === kind)),
  };
}

Deno.test("Docker image with php-fpm + nginx (as TrafeX/docker-php-nginx ships): /dev/stdout, includes, ENV", async () => {
  Deno.env.set("PHP_VERSION", "83");
  const { loaded, doc, has } = await imported("supervisord", "docker_php/supervisord.conf");
  assert.equal(loaded.ok, true, JSON.stringify(!loaded.ok && loaded.errors));
  // conf.d/*.conf read in sorted order; %(ENV_PHP_VERSION)s expanded at import.
  assert.deepEqual(Object.keys(doc.programs), ["nginx", "php-fpm"]);
  assert.equal(doc.programs["php-fpm"].cmd, "php-fpm83 -F");
  // /dev/stdout cannot be a Taskmaster output file (symlinks refused): memory, with a note.
  assert.equal(doc.programs.nginx.stdout, undefined);
  assert(has("nginx.stdout_logfile", "approximate"));
  assert.equal(doc.programs.nginx.logmaxbytes, 0);
  assert.equal(doc.taskmaster.logfile, undefined); // logfile=/dev/null
  assert.deepEqual(doc.programs.nginx.env, { APP_ENV: "production", GREETING: "hello, world" });
  assert(has("nginx.priority", "dropped"));
  assert(has("expansions", "exact"));
});

Deno.test("Laravel queue workers (as the Laravel docs configure them): numprocs + process_name", async () => {
  const { loaded, doc, has } = await imported("supervisord", "laravel/laravel-worker.conf");
  // user=forge does not exist here: the only error is that uid, and the import noted it.
  assert.equal(loaded.ok, false);
  assert(!loaded.ok && loaded.errors.every((e) => /programs\.laravel-worker\.uid/.test(e.text)));
  assert(has("laravel-worker.user", "exact"));
  assert.equal(doc.programs["laravel-worker"].numprocs, 8);
  assert.equal(doc.programs["laravel-worker"].stderr, "/var/www/app/storage/logs/worker.log");
  assert(has("laravel-worker.process_name", "approximate"));
});

Deno.test("Debian package layout with a Django gunicorn program: continuation lines, later include wins", async () => {
  const { loaded, doc, has } = await imported("supervisord", "debian/supervisord.conf");
  assert.equal(loaded.ok, true, JSON.stringify(!loaded.ok && loaded.errors));
  const g = doc.programs.gunicorn;
  assert.equal(
    g.cmd,
    "/srv/venv/bin/gunicorn mysite.wsgi:application\n--bind 127.0.0.1:8000\n--workers 3",
  );
  assert(loaded.ok && loaded.config.programs[0]!.argv.includes("--workers"));
  assert.equal(g.logbackups, 2); // zz-local.conf is read last
  assert.equal(g.logmaxbytes, 10 * 1024 * 1024);
  assert.equal(g.env.DJANGO_SETTINGS_MODULE, "mysite.settings.production");
  assert.equal(doc.taskmaster.socket, "/var/run/supervisor.sock");
  assert(has("supervisord.childlogdir", "dropped"));
  assert(has("rpcinterface:supervisor", "dropped"));
});

Deno.test("celery's example worker config: ; comment blocks, 'key = value' spacing", async () => {
  const { loaded, doc } = await imported("supervisord", "celery/celeryd.conf");
  assert.equal(loaded.ok, true, JSON.stringify(!loaded.ok && loaded.errors));
  assert.deepEqual(doc.programs.celeryworker, {
    cmd: "celery -A proj worker --loglevel=INFO",
    workingdir: "/srv/proj",
    autostart: true,
    autorestart: true,
    starttime: 10,
    stoptime: 600,
    uid: "nobody",
    stdout: "/var/log/celery/worker.log",
    stderr: "/var/log/celery/worker.err",
  });
});

Deno.test("Django Channels / Tornado deployments: per-instance ports split, fcgi and listener dropped", async () => {
  Deno.env.set("PYTHONPATH", "/opt/lib");
  const { loaded, doc, has } = await imported("supervisord", "channels/supervisord.conf");
  assert.equal(loaded.ok, true, JSON.stringify(!loaded.ok && loaded.errors));
  assert.deepEqual(Object.keys(doc.programs), [
    "tornado-8001",
    "tornado-8002",
    "tornado-8003",
    "tornado-8004",
  ]);
  assert.equal(doc.programs["tornado-8004"].stdout, "/var/log/tornado/tornado-04.log");
  assert(has("fcgi-program:asgi", "dropped"));
  assert(has("eventlistener:processes", "dropped"));
  assert.deepEqual(doc.taskmaster.http, { host: "127.0.0.1", port: 9001 });
  assert(has("inet_http_server.password", "dropped"));
});

Deno.test("PM2 ecosystem JSON with comments, single quotes, trailing commas (pm2 docs style)", async () => {
  const { loaded, doc, has } = await imported("pm2", "pm2/ecosystem.config.json", "production");
  assert.equal(loaded.ok, true, JSON.stringify(!loaded.ok && loaded.errors));
  assert.equal(doc.programs.api.numprocs, navigator.hardwareConcurrency);
  assert.equal(doc.programs.api.env.NODE_ENV, "production");
  assert.deepEqual(doc.programs.worker.cmd, ["python3", "worker.py", "--queue", "default"]);
  assert.equal(doc.programs.worker.starttime, 10);
  assert.equal(doc.programs.worker.stoptime, 3);
  assert(has("api.exec_mode", "dropped") && has("worker.cron_restart", "dropped"));
});

Deno.test("Procfile of a Rails app run by foreman (Mastodon-like): shell lines, PORT, release", async () => {
  const { loaded, doc } = await imported("procfile", "procfile/Procfile");
  assert.equal(loaded.ok, true, JSON.stringify(!loaded.ok && loaded.errors));
  assert.deepEqual(Object.keys(doc.programs), ["web", "sidekiq", "stream", "release"]);
  assert.equal(doc.programs.stream.env.PORT, "5200");
  assert.equal(doc.programs.release.autorestart, false);
});
