/**
 * Worker side of the config fuzzer: generates and mutates YAML, runs each input through
 * parseConfigText and checks the invariants (no throw, a well-formed result, a frozen config,
 * no prototype change, < 1 s per input). It posts each input before parsing it, so the test can
 * save the input that hangs when it has to terminate the worker.
 */
/// <reference lib="deno.worker" />
import { parseConfigText } from "../../src/config/load.ts";
import { PROGRAM_KEYS } from "../../src/config/key_table.ts";
import type { LoadResult } from "../../src/config/types.ts";
import { snapshotPrototypes } from "../reliability/lib/prototypes.ts";
import { mutateText, Rng } from "./fuzz_util.ts";

/** Message from the test to the worker. */
export interface FuzzStart {
  seed: number;
  ms: number;
  corpus: [string, string][];
}

/** Messages from the worker to the test. */
export type FuzzReport =
  | { type: "ready" }
  | { type: "input"; text: string }
  | { type: "fail"; text: string; reason: string; origin: string }
  | { type: "done"; iterations: number; accepted: number; corpus: number; slowestMs: number };

const SEEDS = [
  "programs: {}\n",
  `taskmaster:\n  http: false\n  email: ops@example.com\nprograms:\n  web:\n    cmd: "/bin/sleep 10"\n    numprocs: 2\n    umask: 022\n    autorestart: unexpected\n    exitcodes: [0, 2]\n    stopsignal: TERM\n    stoptime: 3\n    env: { A: "1", B: 2, C: true }\n`,
  `taskmaster:\n  socket: ./x.sock\n  http: { host: 127.0.0.1, port: 0 }\n  smtp: { host: localhost, port: 25, password: { env: SMTP_PW } }\nprograms:\n  a:\n    cmd: [/bin/sh, -c, "echo hi"]\n    stdout: ./logs/a.out\n    stderr: none\n    workingdir: /tmp\n    maxrestartdelay: 0\n  b:\n    cmd: /bin/true\n    autostart: false\n    uid: nobody\n`,
  `base: &base { cmd: /bin/true, numprocs: 1 }\nprograms:\n  a:\n    <<: *base\n  b:\n    <<: *base\n    numprocs: 3\n`,
];

const TOKENS = [
  "\n",
  "\n  ",
  "\n    ",
  ": ",
  "- ",
  "[",
  "]",
  "{",
  "}",
  ",",
  "&a ",
  "*a",
  "<<: ",
  "!!str ",
  "!!js/function ",
  "!x ",
  "? ",
  "|\n  ",
  ">-\n  ",
  '"',
  "'",
  "#",
  "%YAML 1.1\n---\n",
  "---\n",
  "...\n",
  "~",
  "null",
  "-1",
  "0",
  "1e400",
  ".nan",
  "0o777",
  "0x1F",
  "077",
  "__proto__",
  "constructor",
  "prototype",
  "__proto__: { polluted: 1 }\n",
  "toString: x\n",
  "numprocs: ",
  "umask: ",
  "env: ",
  "cmd: ",
  "uid: ",
  "stopsignal: ",
  "exitcodes: ",
  "all",
  "\t",
  "\u0000",
  "\ud800",
  "\u202e",
  "a".repeat(300),
  "[[[[[[[[",
  "{{{{{{{{",
  "*b *b *b",
  "&b [*a, *a]",
];

// Every program key (from the validator's own table), plus hostile and misspelled ones.
const KEYS = [...PROGRAM_KEYS, "__proto__", "constructor", "numproc"];
const VALUES = [
  "/bin/true",
  "1",
  "0",
  "-1",
  "1.5",
  '"3"',
  "true",
  "false",
  "yes",
  "~",
  "[]",
  "{}",
  "[0, 2]",
  "TERM",
  "SIGFOO",
  "022",
  "077",
  "0o1000",
  "nobody",
  "root",
  "4294967295",
  "none",
  "./log",
  "{ A: 1 }",
  "{ A: { B: 1 } }",
  "[a, b]",
  '"a b \\"c\\""',
  "!!binary aGk=",
  "*a",
  "&a x",
];

function generate(rng: Rng): string {
  let text = rng.chance(0.5) ? "taskmaster:\n  http: false\n" : "";
  text += "programs:\n";
  const programs = rng.int(4);
  for (let p = 0; p < programs; p++) {
    text += `  ${rng.pick(["p", "web", "all", "__proto__", "a:b", "x".repeat(70), `p${p}`])}:\n`;
    const keys = rng.int(6);
    for (let k = 0; k < keys; k++) text += `    ${rng.pick(KEYS)}: ${rng.pick(VALUES)}\n`;
  }
  return text;
}

function check(text: string, result: LoadResult): string | null {
  if (typeof result !== "object" || result === null) return "result is not an object";
  if (result.ok === true) {
    if (!Object.isFrozen(result.config) || !Object.isFrozen(result.config.programs)) {
      return "accepted config is not frozen";
    }
    for (const p of result.config.programs) {
      if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(p.name) || p.name.length > 64 || p.name === "all") {
        return `accepted invalid program name ${JSON.stringify(p.name)}`;
      }
      if (p.umask !== null && (p.umask < 0 || p.umask > 0o777)) return `umask ${p.umask}`;
      if (!(p.numprocs >= 1 && p.numprocs <= 10000)) return `numprocs ${p.numprocs}`;
      if (p.argv.length === 0 || p.argv[0] === "") return "accepted an empty command";
      if (
        Object.getPrototypeOf(p.env) !== Object.prototype && Object.getPrototypeOf(p.env) !== null
      ) {
        return "env has a foreign prototype";
      }
    }
    return null;
  }
  if (result.ok !== false || !Array.isArray(result.errors) || result.errors.length === 0) {
    return "rejected without errors";
  }
  for (const e of result.errors) {
    if (typeof e.text !== "string" || !e.text.startsWith("fuzz.yaml")) return `bad error ${e.text}`;
    if (e.text.includes("\n")) return `multi-line error ${JSON.stringify(e.text.slice(0, 200))}`;
  }
  void text;
  return null;
}

function runOne(text: string, origin: string): { failed: boolean; ms: number; ok: boolean } {
  self.postMessage({ type: "input", text } satisfies FuzzReport);
  const protos = snapshotPrototypes();
  const started = performance.now();
  let reason: string | null;
  let ok = false;
  try {
    const result = parseConfigText(text, "fuzz.yaml", "/tmp/tm-fuzz/fuzz.yaml", {
      env: (name) => (name === "SMTP_PW" ? "secret" : undefined),
    });
    ok = result.ok;
    reason = check(text, result);
  } catch (error) {
    reason = `threw: ${error instanceof Error ? error.stack : String(error)}`;
  }
  const ms = performance.now() - started;
  if (reason === null && ms > 1000) reason = `took ${ms.toFixed(0)} ms`;
  const changed = protos.diff();
  if (reason === null && changed.length > 0) reason = `prototype changed: ${changed.join(", ")}`;
  if (reason !== null) {
    self.postMessage({ type: "fail", text, reason, origin } satisfies FuzzReport);
  }
  return { failed: reason !== null, ms, ok };
}

self.onmessage = (event: MessageEvent<FuzzStart>) => {
  const { seed, ms, corpus } = event.data;
  const rng = new Rng(seed);
  let slowest = 0;
  let accepted = 0;
  for (const [name, text] of corpus) {
    const r = runOne(text, `corpus ${name}`);
    slowest = Math.max(slowest, r.ms);
  }
  const pool = [...SEEDS, ...corpus.map(([, t]) => t)];
  const deadline = performance.now() + ms;
  let i = 0;
  for (; performance.now() < deadline; i++) {
    const base = rng.chance(0.3) ? generate(rng) : rng.pick(pool);
    const text = rng.chance(0.1) ? base : mutateText(rng, base, TOKENS, rng.pick(pool));
    const r = runOne(text, `seed ${seed} iteration ${i}`);
    slowest = Math.max(slowest, r.ms);
    if (r.ok) accepted++;
    if (r.failed) break;
  }
  self.postMessage(
    {
      type: "done",
      iterations: i,
      accepted,
      corpus: corpus.length,
      slowestMs: slowest,
    } satisfies FuzzReport,
  );
};

self.postMessage({ type: "ready" } satisfies FuzzReport);
