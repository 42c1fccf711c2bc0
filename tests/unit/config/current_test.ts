import assert from "node:assert/strict";
import { CurrentConfig } from "../../../src/config/current.ts";
import type { Config } from "../../../src/config/types.ts";

function config(file: string): Config {
  return { file, path: `/${file}`, daemon: {} as Config["daemon"], programs: [] };
}

Deno.test("CurrentConfig holds the initial config until one is applied", () => {
  const first = config("a.yaml");
  const current = new CurrentConfig(first);
  assert.equal(current.value, first);
  const next = config("b.yaml");
  current.apply(next);
  assert.equal(current.value, next);
});

Deno.test("CurrentConfig tells subscribers in subscription order, after the value switched", () => {
  const current = new CurrentConfig(config("a.yaml"));
  const seen: string[] = [];
  current.subscribe((c) => seen.push(`one:${c.file}:${current.value.file}`));
  const unsubscribe = current.subscribe((c) => seen.push(`two:${c.file}`));
  current.subscribe((c) => seen.push(`three:${c.file}`));
  current.apply(config("b.yaml"));
  unsubscribe();
  current.apply(config("c.yaml"));
  assert.deepEqual(seen, [
    "one:b.yaml:b.yaml",
    "two:b.yaml",
    "three:b.yaml",
    "one:c.yaml:c.yaml",
    "three:c.yaml",
  ]);
});

Deno.test("CurrentConfig: a throwing subscriber stops the later ones and reaches the caller", () => {
  const current = new CurrentConfig(config("a.yaml"));
  const seen: string[] = [];
  current.subscribe(() => {
    throw new Error("boom");
  });
  current.subscribe((c) => seen.push(c.file));
  assert.throws(() => current.apply(config("b.yaml")), /boom/);
  assert.equal(current.value.file, "b.yaml");
  assert.deepEqual(seen, []);
});
