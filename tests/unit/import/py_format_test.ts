import assert from "node:assert/strict";
import { expandFormat } from "../../../src/import/py_format.ts";
import { ImportError } from "../../../src/import/types.ts";

const NAMES = { program_name: "web", process_num: 3, here: "/etc/sv", ENV_HOME: "/root" };

Deno.test("%(x)s, %(n)d, %(n)02d, %% as Python formats them", () => {
  const used = new Set<string>();
  assert.equal(
    expandFormat(
      "%(program_name)s_%(process_num)02d %(process_num)d %(here)s %(ENV_HOME)s 100%%",
      NAMES,
      "k",
      "f:1",
      used,
    ),
    "web_03 3 /etc/sv /root 100%",
  );
  assert.deepEqual([...used].sort(), ["ENV_HOME", "here", "process_num", "program_name"]);
  assert.equal(expandFormat("%(process_num)3d|%(process_num)-3d|", NAMES, "k", "f:1"), "  3|3  |");
});

Deno.test("errors name FILE:LINE: unknown name, unclosed %(, bare %, %d of a string", () => {
  for (const bad of ["%(nope)s", "%(program_name", "50%", "%(program_name)d", "%(here)"]) {
    assert.throws(
      () => expandFormat(bad, NAMES, "program:web.command", "f.conf:7"),
      (e: unknown) => {
        assert(e instanceof ImportError);
        assert.match(e.text, /^f\.conf:7: program:web\.command: /);
        return true;
      },
      bad,
    );
  }
});
