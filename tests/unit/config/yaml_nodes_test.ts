import assert from "node:assert/strict";
import { bad, ok } from "./helpers.ts";

Deno.test("unknown top-level and section keys get hints", () => {
  assert.match(bad("program: {}\n")[0]!.text, /program: unknown key \(did you mean "programs"\?\)/);
  assert.match(
    bad("taskmaster: { logfle: x }\nprograms: {}\n")[0]!.text,
    /taskmaster\.logfle: unknown key \(did you mean "logfile"\?\)/,
  );
  assert.match(
    bad("taskmaster: { smtp: { tlsverfy: true } }\nprograms: {}\n")[0]!.text,
    /taskmaster\.smtp\.tlsverfy: .*did you mean "tlsverify"/,
  );
  assert.match(
    bad("taskmaster: { alerts: { crashloop-exit: 3 } }\nprograms: {}\n")[0]!.text,
    /did you mean "crashloop-exits"/,
  );
});

Deno.test("merge keys share program settings; explicit keys win", () => {
  const c = ok(`programs:
  a: &d { cmd: /bin/true, numprocs: 2, stoptime: 3 }
  b: { <<: *d, numprocs: 4 }
  c:
    <<: [*d, { stopsignal: INT }]
    env: { X: 1 }
`);
  assert.deepEqual(c.programs.map((p) => [p.name, p.numprocs, p.stoptime, p.stopsignal]), [
    ["a", 2, 3, "SIGTERM"],
    ["b", 4, 3, "SIGTERM"],
    ["c", 2, 3, "SIGINT"],
  ]);
});
