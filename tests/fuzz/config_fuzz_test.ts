/**
 * Config fuzzer (docs/reliability.md B6/B7/G10): random and mutated YAML through parseConfigText
 * for a bounded time (FUZZ_MS, default 10 s) with a printed seed (FUZZ_SEED reproduces a run). Any
 * throw, hang (> 5 s past the budget: the worker is terminated), invariant break or prototype
 * change fails the test and saves the input under tests/fuzz/corpus/config/, replayed every run.
 */
import assert from "node:assert/strict";
import { fuzzBudgetMs, fuzzSeed, readCorpus, saveToCorpus } from "./fuzz_util.ts";
import type { FuzzReport, FuzzStart } from "./config_fuzz_worker.ts";

Deno.test("config fuzzer: parseConfigText never throws, hangs or pollutes prototypes", async () => {
  const seed = fuzzSeed();
  const ms = fuzzBudgetMs(10_000);
  console.log(`config fuzzer: FUZZ_SEED=${seed} FUZZ_MS=${ms}`);
  const decoder = new TextDecoder();
  const corpus: [string, string][] = (await readCorpus("config")).map((
    [name, bytes],
  ) => [name, decoder.decode(bytes)]);
  const worker = new Worker(new URL("./config_fuzz_worker.ts", import.meta.url), {
    type: "module",
  });
  let lastInput = "";
  const failures: { text: string; reason: string; origin: string }[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const done = await new Promise<Extract<FuzzReport, { type: "done" }> | null>((resolve) => {
      // Loading (and type-checking) the worker can take seconds on a cold cache: the hang clock
      // starts only once it says it is ready.
      timer = setTimeout(() => resolve(null), 120_000);
      worker.onmessage = (event: MessageEvent<FuzzReport>) => {
        const report = event.data;
        if (report.type === "ready") {
          clearTimeout(timer);
          timer = setTimeout(() => resolve(null), ms + 5_000 + corpus.length * 1_000);
          worker.postMessage({ seed, ms, corpus } satisfies FuzzStart);
        } else if (report.type === "input") lastInput = report.text;
        else if (report.type === "fail") failures.push(report);
        else resolve(report);
      };
      worker.onerror = (event) => {
        event.preventDefault();
        failures.push({ text: lastInput, reason: `worker error: ${event.message}`, origin: "" });
        resolve(null);
      };
    });
    if (done === null && failures.length === 0) {
      failures.push({ text: lastInput, reason: "hang: no answer in time", origin: `seed ${seed}` });
    }
    for (const failure of failures) {
      if (failure.origin.startsWith("corpus")) continue; // already saved
      const name = `crash-${seed}-${Date.now()}.yml.case`;
      const path = await saveToCorpus("config", name, new TextEncoder().encode(failure.text));
      console.log(`config fuzzer: saved failing input to ${path}`);
    }
    assert.deepEqual(
      failures.map((f) => `${f.origin}: ${f.reason}`),
      [],
      `config fuzzer failed (FUZZ_SEED=${seed})`,
    );
    assert(done !== null);
    assert(done.iterations > 100, `only ${done.iterations} iterations in ${ms} ms`);
    console.log(
      `config fuzzer: ${done.iterations} inputs (${done.accepted} accepted) + ${done.corpus} ` +
        `corpus cases in ${ms} ms, slowest ${done.slowestMs.toFixed(1)} ms, 0 failures`,
    );
  } finally {
    clearTimeout(timer);
    worker.terminate();
  }
});
