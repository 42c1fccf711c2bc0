import assert from "node:assert/strict";
import { parse } from "yaml";
import { importSupervisord, type SupervisordHost } from "../../../src/import/supervisord.ts";
import { emitYaml } from "../../../src/import/emit_yaml.ts";
import { allNotes } from "../../../src/import/types.ts";
import { globSync } from "../../../src/import/glob.ts";

/** An in-memory host: `files` by absolute path. */
export function memHost(
  files: Record<string, string>,
  env: Record<string, string> = {},
): SupervisordHost {
  const list = (dir: string) => {
    const prefix = dir.endsWith("/") ? dir : `${dir}/`;
    const names = Object.keys(files).filter((p) => p.startsWith(prefix)).map((p) =>
      p.slice(prefix.length).split("/")[0]!
    );
    return [...new Set(names)];
  };
  return {
    readText: (p) => {
      const t = files[p];
      if (t === undefined) throw new Error("No such file or directory");
      return t;
    },
    glob: (pattern) => globSync(pattern, list, (p) => p in files || list(p).length > 0),
    env,
    hostname: "box",
    userExists: (name) => name === "www-data",
  };
}

function programs(files: Record<string, string>, env: Record<string, string> = {}) {
  const draft = importSupervisord("/etc/sv/main.conf", memHost(files, env));
  return { doc: parse(emitYaml(draft)), notes: allNotes(draft) };
}

Deno.test("instances that differ become one program each, named by process_name", () => {
  const { doc, notes } = programs({
    "/etc/sv/main.conf":
      "[program:q]\ncommand=/bin/worker --slot %(process_num)d\nnumprocs=3\nnumprocs_start=1\n",
  });
  assert.deepEqual(Object.keys(doc.programs), ["q_01", "q_02", "q_03"]);
  assert.equal(doc.programs.q_03.cmd, "/bin/worker --slot 3");
  assert(notes.some((n) => n.path === "q" && n.kind === "approximate"));
});

Deno.test("identical instances stay one program with numprocs", () => {
  const { doc } = programs({
    "/etc/sv/main.conf":
      "[program:q]\ncommand=/bin/worker\nnumprocs=4\nprocess_name=%(program_name)s-%(process_num)s\n",
  });
  assert.deepEqual(doc.programs, { q: { cmd: "/bin/worker", numprocs: 4 } });
});

Deno.test("[supervisord] environment and umask reach programs; ENV_ from all three sources", () => {
  const { doc, notes } = programs({
    "/etc/sv/main.conf": [
      "[supervisord]",
      "environment=A=from_daemon,B=daemon",
      "umask=027",
      "[program:p]",
      "command=/bin/p %(ENV_A)s %(ENV_HOME)s %(ENV_C)s",
      "environment=B=own,C=c1",
      "user=www-data",
      "directory=%(here)s/app",
    ].join("\n"),
  }, { HOME: "/home/x" });
  assert.deepEqual(doc.programs.p, {
    cmd: "/bin/p from_daemon /home/x c1",
    workingdir: "/etc/sv/app",
    umask: "027",
    uid: "www-data",
    env: { A: "from_daemon", B: "own", C: "c1" },
  });
  assert(notes.some((n) => n.path === "expansions" && /ENV_A, ENV_C, ENV_HOME/.test(n.message)));
});

Deno.test("includes: relative glob, sorted, %(here)s of the included file, nested include ignored", () => {
  const { doc, notes } = programs({
    "/etc/sv/main.conf": "[supervisord]\n[include]\nfiles = conf.d/*.conf missing/*.ini\n",
    "/etc/sv/conf.d/b.conf": "[program:b]\ncommand=%(here)s/run\n",
    "/etc/sv/conf.d/a.conf": "[program:a]\ncommand=/bin/a\n[include]\nfiles=/nowhere/*\n",
  });
  assert.deepEqual(Object.keys(doc.programs), ["a", "b"]);
  assert.equal(doc.programs.b.cmd, "/etc/sv/conf.d/run");
  assert(notes.some((n) => /no file matches \/etc\/sv\/missing/.test(n.message)));
  assert(notes.some((n) => n.kind === "dropped" && /never nests/.test(n.message)));
});

Deno.test("inet_http_server on all addresses becomes loopback; listener suggests critical", () => {
  const { doc, notes } = programs({
    "/etc/sv/main.conf": "[inet_http_server]\nport=*:9001\nusername=u\npassword=p\n" +
      "[eventlistener:stop]\ncommand=/bin/kill-sv\nevents=PROCESS_STATE_FATAL\n",
  });
  assert.deepEqual(doc.taskmaster.http, { host: "127.0.0.1", port: 9001 });
  assert(notes.some((n) => n.path === "eventlistener:stop" && /critical/.test(n.message)));
  assert(notes.some((n) => n.path === "inet_http_server.password" && n.kind === "dropped"));
});

Deno.test("names are sanitised; a clash is an error naming both", () => {
  const { doc } = programs({ "/etc/sv/main.conf": "[program:my app!]\ncommand=/bin/a\n" });
  assert.deepEqual(Object.keys(doc.programs), ["my_app_"]);
  assert.throws(
    () =>
      programs({
        "/etc/sv/main.conf": "[program:a b]\ncommand=/bin/a\n[program:a_b]\ncommand=/bin/b\n",
      }),
    /main\.conf:3: program name a_b .*clashes/,
  );
});
