/** `depends_on` parsing and the checks across programs (docs/config.md "depends_on"). */
import assert from "node:assert/strict";
import { bad, ok } from "./helpers.ts";

const progs = (body: string) => `programs:\n${body}`;
const texts = (body: string) => bad(progs(body)).map((e) => e.text);

Deno.test("depends_on: list means started, map names the condition, absent means none", () => {
  const c = ok(progs(
    "  db: {cmd: /bin/true, ready: {tcp: 5432}}\n" +
      "  migrate: {cmd: /bin/true, autorestart: false}\n" +
      "  web: {cmd: /bin/true, depends_on: {db: ready, migrate: completed}}\n" +
      "  worker: {cmd: /bin/true, depends_on: [db, migrate]}\n",
  ));
  const [db, , web, worker] = c.programs;
  assert.deepEqual(db!.dependsOn, []);
  assert.deepEqual(web!.dependsOn, [
    { name: "db", condition: "ready" },
    { name: "migrate", condition: "completed" },
  ]);
  assert.deepEqual(worker!.dependsOn, [
    { name: "db", condition: "started" },
    { name: "migrate", condition: "started" },
  ]);
  assert.ok(Object.isFrozen(web!.dependsOn[0]));
});

Deno.test("depends_on: a cycle is reported once, at the closing entry (map form)", () => {
  const errs = texts(
    "  a: {cmd: /bin/true, depends_on: {b: started}}\n" +
      "  b: {cmd: /bin/true, depends_on: {c: started}}\n" +
      "  c: {cmd: /bin/true, depends_on: {a: started}}\n",
  );
  assert.deepEqual(errs.length, 1);
  assert.match(
    errs[0]!,
    /^cfg\.yaml:4:\d+: programs\.c\.depends_on\.a: dependency cycle: a -> b -> c -> a$/,
  );
});

Deno.test("depends_on: a cycle in list form uses the index path; self and two cycles", () => {
  const errs = texts(
    "  a: {cmd: /bin/true, depends_on: [x, b]}\n" +
      "  b: {cmd: /bin/true, depends_on: [a]}\n" +
      "  x: {cmd: /bin/true}\n" +
      "  s: {cmd: /bin/true, depends_on: [s]}\n",
  );
  assert.deepEqual(errs.map((t) => t.replace(/^cfg\.yaml:\d+:\d+: /, "")), [
    "programs.b.depends_on[0]: dependency cycle: a -> b -> a",
    "programs.s.depends_on[0]: dependency cycle: s -> s",
  ]);
});

Deno.test("depends_on: unknown program with a hint, all, instance names", () => {
  const errs = texts(
    "  db: {cmd: /bin/true}\n" +
      "  web: {cmd: /bin/true, numprocs: 2, depends_on: [dbb, all, 'web:1', nosuchthing]}\n",
  );
  assert.equal(errs.length, 4);
  assert.match(
    errs[0]!,
    /programs\.web\.depends_on\[0\]: unknown program "dbb" \(did you mean "db"\?\)$/,
  );
  assert.match(
    errs[1]!,
    /programs\.web\.depends_on\[1\]: .*depend on the program, not one instance/,
  );
  assert.match(errs[2]!, /programs\.web\.depends_on\[2\]: depend on the program, not one instance/);
  assert.match(errs[3]!, /programs\.web\.depends_on\[3\]: unknown program "nosuchthing"$/);
});

Deno.test("depends_on: ready needs a check, completed refuses autorestart true", () => {
  const errs = texts(
    "  db: {cmd: /bin/true}\n" +
      "  migrate: {cmd: /bin/true, autorestart: true}\n" +
      "  web: {cmd: /bin/true, depends_on: {db: ready, migrate: completed}}\n",
  );
  assert.equal(errs.length, 2);
  assert.match(
    errs[0]!,
    /programs\.web\.depends_on\.db: condition ready needs a ready check on db/,
  );
  assert.match(
    errs[1]!,
    /programs\.web\.depends_on\.migrate: condition completed .*autorestart: true/,
  );
  ok(progs(
    "  m: {cmd: /bin/true}\n  web: {cmd: /bin/true, depends_on: {m: completed}}\n",
  ));
});

Deno.test("depends_on: bad forms", () => {
  const cases: [string, RegExp][] = [
    ["depends_on: db", /depends_on: must be a list of program names or a map/],
    ["depends_on: {db: up}", /depends_on\.db: must be started, ready or completed \(got up\)/],
    ["depends_on: [[db]]", /depends_on\[0\]: must be a program name \(got a list\)/],
    ["depends_on: [db, db]", /depends_on\[1\]: db is listed twice/],
    ["depends_on: {db: started, dbb: strated}", /depends_on\.dbb: must be started/],
  ];
  for (const [line, re] of cases) {
    const errs = texts(`  db: {cmd: /bin/true}\n  web:\n    cmd: /bin/true\n    ${line}\n`);
    assert.ok(errs.some((t) => re.test(t)), `${line}: ${errs.join("\n")}`);
  }
  assert.deepEqual(
    ok(progs("  web: {cmd: /bin/true, depends_on: []}\n")).programs[0]!.dependsOn,
    [],
  );
});

Deno.test("depends_on: removing a depended-on program is an error naming it", () => {
  const errs = texts("  web: {cmd: /bin/true, depends_on: [db]}\n");
  assert.match(errs[0]!, /programs\.web\.depends_on\[0\]: unknown program "db"/);
});
