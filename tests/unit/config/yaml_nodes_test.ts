import assert from "node:assert/strict";
import { isScalar } from "yaml";
import {
  deref,
  got,
  isNullNode,
  MERGE_BUDGET,
  offsetOf,
  readMap,
  sourceText,
} from "../../../src/config/yaml_nodes.ts";
import { bad, ctxFor, ok, rootOf } from "./helpers.ts";

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

Deno.test("readMap keeps keys in file order with their paths and value offsets", () => {
  const ctx = ctxFor("a: 1\nb:\n  c: x\n");
  const root = rootOf(ctx);
  assert.deepEqual([...root.keys()], ["a", "b"]);
  const b = readMap(ctx, root.get("b")!.value, "b", null)!;
  const c = b.get("c")!;
  assert.equal(c.path, "b.c");
  assert.equal(c.keyOffset, ctx.src.text.indexOf("c:"));
  assert.equal(c.offset, ctx.src.text.indexOf("x"));
  assert.equal(ctx.errors.count, 0);
});

Deno.test("readMap: a key without a value (or ~) has a null value, positioned at its key", () => {
  const ctx = ctxFor("a:\nb: ~\n");
  const root = rootOf(ctx);
  assert.ok(isNullNode(root.get("a")!.value));
  assert.equal(root.get("a")!.offset, 0);
  assert.ok(isNullNode(root.get("b")!.value));
  assert.equal(root.get("b")!.offset, root.get("b")!.keyOffset);
});

Deno.test("readMap reports 'must be a map (got …)' and returns null for anything else", () => {
  const ctx = ctxFor("a: [1]\nb: 5\nc:\n");
  const root = rootOf(ctx);
  assert.equal(readMap(ctx, root.get("a")!.value, "a", null), null);
  assert.equal(readMap(ctx, root.get("b")!.value, "b", null), null);
  assert.equal(readMap(ctx, root.get("c")!.value, "c", null), null);
  assert.equal(readMap(ctx, null, "d", null, 7), null);
  assert.deepEqual(ctx.errors.result().map((e) => e.text), [
    "cfg.yaml:1:4: a: must be a map (got a list)",
    "cfg.yaml:2:1: d: must be a map (got nothing)",
    "cfg.yaml:2:4: b: must be a map (got 5)",
    "cfg.yaml:3:3: c: must be a map (got nothing)",
  ]);
});

Deno.test("readMap skips keys outside the allowed list, with a hint, and keeps the others", () => {
  const ctx = ctxFor("cmd: x\nnumproc: 2\n");
  const map = readMap(ctx, ctx.src.doc.contents, "programs.a", ["cmd", "numprocs"])!;
  assert.deepEqual([...map.keys()], ["cmd"]);
  assert.deepEqual(ctx.errors.result().map((e) => e.text), [
    'cfg.yaml:2:1: programs.a.numproc: unknown key (did you mean "numprocs"?)',
  ]);
});

Deno.test("readMap: non-scalar keys are refused; number keys read as written", () => {
  const ctx = ctxFor("? [a]\n: 1\n0x1F: 2\n");
  const root = rootOf(ctx);
  assert.deepEqual([...root.keys()], ["0x1F"]);
  assert.match(ctx.errors.result()[0]!.text, /keys must be plain strings/);
});

Deno.test("readMap: __proto__ and constructor are plain keys", () => {
  const root = rootOf(ctxFor("__proto__: 1\nconstructor: 2\n"));
  assert.deepEqual([...root.keys()], ["__proto__", "constructor"]);
  assert.equal(({} as Record<string, unknown>)["1"], undefined);
});

Deno.test("merge: explicit keys win, then earlier sources; a non-map source is an error", () => {
  const ctx = ctxFor(
    "s1: &s1 { a: 1, b: 1 }\ns2: &s2 { b: 2, c: 2 }\nt:\n  <<: [*s1, *s2]\n  a: 0\n",
  );
  const t = readMap(ctx, rootOf(ctx).get("t")!.value, "t", null)!;
  const value = (k: string) => (t.get(k)!.value as { value: unknown }).value;
  assert.deepEqual([value("a"), value("b"), value("c")], [0, 1, 2]);
  const badCtx = ctxFor("t:\n  <<: [{ a: 1 }, 2]\n");
  const merged = readMap(badCtx, rootOf(badCtx).get("t")!.value, "t", null)!;
  assert.deepEqual([...merged.keys()], ["a"]);
  assert.match(
    badCtx.errors.result()[0]!.text,
    /^cfg\.yaml:2:3: t: "<<" merge needs a map or a list of maps \(got 2\)$/,
  );
});

Deno.test(`merge fan-out past the budget (${MERGE_BUDGET}) is reported once and stops`, () => {
  const ctx = ctxFor("s: &s { a: 1, b: 2 }\nt:\n  <<: [*s, *s, *s]\n");
  ctx.mergeBudget = 4;
  readMap(ctx, rootOf(ctx).get("t")!.value, "t", null);
  const texts = ctx.errors.result().map((e) => e.text);
  assert.equal(texts.length, 1);
  assert.match(texts[0]!, /t: "<<" merge keys expand too much/);
});

Deno.test("got(): the value as written, lists/maps/nothing named, long ones cut, controls escaped", () => {
  const ctx = ctxFor(
    `a: "x"\nb: 0o17\nc: [1]\nd: {}\ne:\nf: "${"y".repeat(100)}"\ng: "\\x01\\t"\n`,
  );
  const root = rootOf(ctx);
  const g = (k: string) => got(ctx, root.get(k)!.value);
  assert.equal(g("a"), '(got "x")');
  assert.equal(g("b"), "(got 0o17)");
  assert.equal(g("c"), "(got a list)");
  assert.equal(g("d"), "(got a map)");
  assert.equal(g("e"), "(got nothing)");
  assert.equal(g("f"), `(got "${"y".repeat(56)}...)`);
  assert.equal(g("g"), '(got "\\x01\\t")');
  assert.equal(got(ctx, null), "(got nothing)");
});

Deno.test("got() escapes raw control characters written in the file", () => {
  const ctx = ctxFor("a: 'x\ty'\n");
  assert.equal(got(ctx, rootOf(ctx).get("a")!.value), "(got 'x\\x09y')");
});

Deno.test("deref follows an alias to its anchored node; sourceText and offsetOf read positions", () => {
  const ctx = ctxFor("a: &x 'v'\nb: *x\n");
  const pairs = (ctx.src.doc.contents as unknown as { items: { value: unknown }[] }).items;
  const target = deref(ctx, pairs[1]!.value);
  assert.ok(isScalar(target));
  assert.equal(target.value, "v");
  assert.equal(sourceText(ctx, target), "'v'");
  assert.equal(offsetOf(target), ctx.src.text.indexOf("'v'"));
  assert.equal(deref(ctx, undefined), null);
  assert.equal(offsetOf(null), 0);
  assert.equal(offsetOf({}), 0);
});
