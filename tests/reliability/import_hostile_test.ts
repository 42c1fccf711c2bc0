/**
 * W9 (docs/reliability.md): hostile supervisord INI files given to `taskmasterd --import`.
 * Include cycles, 10,000 sections, 1 MiB lines, `%(` without a closing `)s` and unknown `%(X)s`
 * either convert or fail with an error naming FILE:LINE; nothing hangs (each case's time is
 * printed against the 2 s target, not asserted); a failed import writes nothing.
 */
import assert from "node:assert/strict";
import { convert } from "../../src/import/cli.ts";
import { ImportError } from "../../src/import/types.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

interface Case {
  name: string;
  files: Record<string, string>;
  /** A RegExp the error must match (FILE:LINE), or null when the import must succeed. */
  error: ((dir: string) => RegExp) | null;
}

const MIB = 1024 * 1024;

const CASES: Case[] = [
  {
    name: "include cycle (main includes itself, an included file includes main)",
    files: {
      "main.conf": "[supervisord]\n[include]\nfiles = *.conf\n[program:a]\ncommand=/bin/a\n",
      "b.conf": "[include]\nfiles = main.conf b.conf\n[program:b]\ncommand=/bin/b\n",
    },
    error: null,
  },
  {
    name: "10,000 sections",
    files: {
      "main.conf": Array.from(
        { length: 10_000 },
        (_, i) => `[program:p${i}]\ncommand=/bin/p ${i}\n`,
      )
        .join(""),
    },
    error: null,
  },
  {
    name: "1 MiB line without a delimiter",
    files: { "main.conf": `[program:a]\ncommand=/bin/a\n${"x".repeat(MIB)}\n` },
    error: (d) => new RegExp(`^${d}/main\\.conf:3: not a "key = value" line`),
  },
  {
    name: "1 MiB value",
    files: { "main.conf": `[program:a]\ncommand=/bin/echo ${"y".repeat(MIB)}\n` },
    error: null,
  },
  {
    name: "%( without a closing )s",
    files: { "main.conf": "[program:a]\n\ncommand=/bin/a %(program_name\n" },
    error: (d) => new RegExp(`^${d}/main\\.conf:3: program:a\\.command: "%\\(" without a closing`),
  },
  {
    name: "unknown %(X)s",
    files: { "main.conf": "[program:a]\ncommand=/bin/a\ndirectory=/srv/%(X)s\n" },
    error: (d) =>
      new RegExp(`^${d}/main\\.conf:3: program:a\\.directory: %\\(X\\)s names an unknown`),
  },
  {
    name: "unknown %(X)s in an included file",
    files: {
      "main.conf": "[include]\nfiles=conf.d/*.conf\n",
      "conf.d/x.conf": "; header\n[program:a]\ncommand=/bin/a %(ENV_NOT_SET_W9)s\n",
    },
    error: (d) =>
      new RegExp(`^${d}/conf\\.d/x\\.conf:3: program:a\\.command: %\\(ENV_NOT_SET_W9\\)s`),
  },
];

Deno.test("W9: hostile supervisord INI files", async () => {
  const figures: string[] = [];
  let slowest = 0;
  for (const c of CASES) {
    const dir = await Deno.makeTempDir({ prefix: "tm-w9-" });
    try {
      for (const [name, text] of Object.entries(c.files)) {
        await Deno.mkdir(`${dir}/${name}`.replace(/\/[^/]*$/, ""), { recursive: true });
        await Deno.writeTextFile(`${dir}/${name}`, text);
      }
      const started = performance.now();
      let error: unknown = null;
      let notes: readonly { message: string }[] = [];
      try {
        notes = (await convert({
          kind: "supervisord",
          file: `${dir}/main.conf`,
          out: null,
          force: false,
          strict: false,
          json: false,
          envName: null,
        })).notes;
      } catch (e) {
        error = e;
      }
      const ms = performance.now() - started;
      slowest = Math.max(slowest, ms);
      figures.push(`${c.name}: ${ms.toFixed(0)} ms`);
      if (c.error === null) {
        assert.equal(error, null, `${c.name}: ${error}`);
      } else {
        assert(error instanceof ImportError, `${c.name}: no ImportError (${error})`);
        assert.match(error.text, c.error(dir), c.name);
        // Through the real command line: exit 1 and no output file.
        const out = await new Deno.Command(Deno.execPath(), {
          args: [
            "run",
            "-A",
            MAIN,
            "--import",
            "supervisord",
            `${dir}/main.conf`,
            "-o",
            `${dir}/out.yaml`,
          ],
          stdout: "null",
          stderr: "null",
        }).output();
        assert.equal(out.code, 1, c.name);
        assert.throws(() => Deno.statSync(`${dir}/out.yaml`), Deno.errors.NotFound);
      }
      if (c.name.startsWith("include cycle")) {
        assert(notes.some((n) => /never nests/.test(n.message)), "nested include noted");
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  }
  console.log(`W9: ${CASES.length}/${CASES.length} hostile files handled; ${figures.join("; ")}`);
  console.log(
    `W9: slowest ${slowest.toFixed(0)} ms (target < 2000 ms): ${slowest < 2000 ? "met" : "MISSED"}`,
  );
});
