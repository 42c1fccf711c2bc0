/** The pure dependency graph (src/config/graph.ts). */
import assert from "node:assert/strict";
import {
  dependentsOf,
  findCycles,
  type GraphNode,
  startWaves,
  stopBlockers,
  transitiveDependencies,
} from "../../../src/config/graph.ts";

const g = (spec: Record<string, string[]>): GraphNode[] =>
  Object.entries(spec).map(([name, deps]) => ({
    name,
    dependsOn: deps.map((d) => ({ name: d, condition: "started" as const })),
  }));

Deno.test("findCycles: depth-first, file order, closing edge, once each", () => {
  assert.deepEqual(findCycles(g({ a: ["b"], b: ["c"], c: ["a"] })), [
    { program: "c", index: 0, path: ["a", "b", "c", "a"] },
  ]);
  // Starting from b (file order) makes b the start of the reported path.
  assert.deepEqual(findCycles(g({ b: ["c"], c: ["a"], a: ["b"] })), [
    { program: "a", index: 0, path: ["b", "c", "a", "b"] },
  ]);
  assert.deepEqual(findCycles(g({ s: ["s"] })), [{ program: "s", index: 0, path: ["s", "s"] }]);
  assert.deepEqual(findCycles(g({ a: ["x", "b"], b: ["a"], x: [] })), [
    { program: "b", index: 0, path: ["a", "b", "a"] },
  ]);
  assert.deepEqual(findCycles(g({ a: ["b", "c"], b: ["d"], c: ["d"], d: [], u: ["nope"] })), []);
});

Deno.test("startWaves: each wave depends on earlier waves only, file order within", () => {
  assert.deepEqual(
    startWaves(g({ web: ["db", "migrate"], migrate: ["db"], db: [], cron: [] })),
    [["db", "cron"], ["migrate"], ["web"]],
  );
  assert.deepEqual(startWaves([]), []);
});

Deno.test("transitiveDependencies, dependentsOf", () => {
  const nodes = g({ a: ["b"], b: ["c"], c: [], d: ["c"], e: [] });
  assert.deepEqual([...transitiveDependencies(nodes, ["a"])].sort(), ["b", "c"]);
  assert.deepEqual([...transitiveDependencies(nodes, ["e", "d"])], ["c"]);
  assert.deepEqual(dependentsOf(nodes, "c"), ["b", "d"]);
});

Deno.test("stopBlockers: within the set, also through programs outside it", () => {
  const nodes = g({ a: [], b: ["a"], c: ["b"], x: [] });
  assert.deepEqual(
    Object.fromEntries(stopBlockers(nodes, new Set(["a", "b", "c", "x"]))),
    { a: ["b", "c"], b: ["c"], c: [], x: [] },
  );
  assert.deepEqual(Object.fromEntries(stopBlockers(nodes, new Set(["a", "c"]))), {
    a: ["c"],
    c: [],
  });
  assert.deepEqual(Object.fromEntries(stopBlockers(nodes, new Set(["a"]))), { a: [] });
});
