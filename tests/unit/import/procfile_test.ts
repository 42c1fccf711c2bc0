import assert from "node:assert/strict";
import { parse } from "yaml";
import { importProcfile } from "../../../src/import/procfile.ts";
import { emitYaml } from "../../../src/import/emit_yaml.ts";
import { allNotes } from "../../../src/import/types.ts";

Deno.test("name: command lines → sh -c, PORT 5000 + 100×i, release one-shot", () => {
  const draft = importProcfile(
    "# comment\nweb: bundle exec puma -p $PORT\n\nworker: VAR=x sidekiq && echo done\nrelease: rake db:migrate\n",
    "Procfile",
    "/app",
  );
  const doc = parse(emitYaml(draft));
  assert.deepEqual(doc.programs.web, {
    cmd: ["/bin/sh", "-c", "bundle exec puma -p $PORT"],
    workingdir: "/app",
    env: { PORT: "5000" },
    autorestart: true,
  });
  assert.equal(doc.programs.worker.env.PORT, "5100");
  assert.equal(doc.programs.release.autorestart, false);
  assert(allNotes(draft).some((n) => n.path === "release"));
});

Deno.test("a line that is not name: command is an error naming FILE:LINE", () => {
  assert.throws(
    () => importProcfile("web: a\nthis is wrong\n", "Procfile", "/app"),
    /Procfile:2: not a "name: command" line/,
  );
  assert.throws(() => importProcfile("web: a\nweb: b\n", "Procfile", "/app"), /clashes/);
});
