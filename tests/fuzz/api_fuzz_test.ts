/**
 * API fuzzer (docs/reliability.md B1–B3/G10): random and mutated requests against
 * createControlHandler over a fake supervisor, for a bounded time (FUZZ_MS, default 10 s) with
 * a printed seed (FUZZ_SEED reproduces). Every request must resolve within 2 s with a JSON
 * envelope, a closed error code and no 500; prototypes must be unchanged. A failing request is
 * saved under tests/fuzz/corpus/api/ (JSON: method, path, body as base64) and replayed every run.
 */
import assert from "node:assert/strict";
import { createControlHandler } from "../../src/control/handler.ts";
import { COMMAND_NAMES } from "../../src/protocol/commands.ts";
import { isErrorCode } from "../../src/protocol/errors.ts";
import { hostileScenario } from "../helpers/fake_scenarios.ts";
import { snapshotPrototypes } from "../reliability/lib/prototypes.ts";
import { fuzzBudgetMs, fuzzSeed, mutateText, readCorpus, Rng, saveToCorpus } from "./fuzz_util.ts";

/** One stored request. */
interface Case {
  method: string;
  path: string;
  body: string; // base64
}

const VALID_BODIES = [
  `{}`,
  `{"names":["web"]}`,
  `{"names":["all"]}`,
  `{"names":["worker:1","web"]}`,
  `{"signal":"TERM","names":["web"]}`,
  `{"dryRun":true}`,
  `{"name":"web","stream":"stderr","lines":5}`,
  `{"name":"web","data":"aGVsbG8="}`,
  `{"lines":10}`,
];
const TOKENS = [
  `"__proto__"`,
  `"constructor"`,
  `{"__proto__":{"polluted":1}}`,
  `null`,
  `true`,
  `-1`,
  `1e309`,
  `[`,
  `]`,
  `{`,
  `}`,
  `,`,
  `:`,
  `"`,
  `\\u0000`,
  `\\ud800`,
  `"all"`,
  `"web:99"`,
  `[[[[[[[[[[`,
  `"${"x".repeat(500)}"`,
  `99999999999999999999`,
  `0.5`,
  `"stdout"`,
  `"names"`,
];
const PATH_TOKENS = ["/", "..", "%2e", "%00", "?", "#", "//", "__proto__", ":", "\u00e9", "*"];

function randomBytes(rng: Rng, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.int(256);
  return out;
}

function generate(rng: Rng): { method: string; path: string; body: Uint8Array } {
  const encoder = new TextEncoder();
  const method = rng.chance(0.85) ? "POST" : rng.pick(["GET", "PUT", "DELETE", "PATCH", "OPTIONS"]);
  let path = rng.chance(0.8)
    ? `/v1/${rng.pick(COMMAND_NAMES)}`
    : rng.pick(["/v1/events", "/v1/output?name=web", "/v1/output?name=__proto__", "/", "/v2/x"]);
  if (rng.chance(0.15)) path = mutateText(rng, path, PATH_TOKENS);
  let body: Uint8Array;
  switch (rng.int(6)) {
    case 0:
      body = randomBytes(rng, rng.int(200));
      break;
    case 1: {
      const depth = rng.pick([10, 1000, 20_000, 60_000]);
      body = encoder.encode(`{"names":${"[".repeat(depth)}${"]".repeat(rng.int(depth))}}`);
      break;
    }
    case 2:
      body = new Uint8Array(rng.pick([64 * 1024, 64 * 1024 + 1, 200_000]));
      body.fill(rng.pick([0x20, 0x61, 0x7b]));
      break;
    case 3: {
      // Valid JSON with invalid UTF-8 spliced in.
      const text = encoder.encode(rng.pick(VALID_BODIES));
      const at = rng.int(text.length);
      body = new Uint8Array([
        ...text.slice(0, at),
        rng.pick([0xc0, 0xff, 0xed, 0x80]),
        ...text.slice(at),
      ]);
      break;
    }
    default:
      body = encoder.encode(mutateText(rng, rng.pick(VALID_BODIES), TOKENS));
  }
  return { method, path, body };
}

function toCase(method: string, path: string, body: Uint8Array): Case {
  let raw = "";
  for (const b of body) raw += String.fromCharCode(b);
  return { method, path, body: btoa(raw) };
}

async function runOne(
  handler: (req: Request) => Promise<Response>,
  method: string,
  path: string,
  body: Uint8Array,
): Promise<string | null> {
  let request: Request;
  try {
    request = new Request(`http://localhost${path}`, {
      method,
      ...(method === "GET" || method === "HEAD" ? {} : { body: body.slice() }),
    });
  } catch (_e) {
    return null; // The URL itself is unusable: no client could send it either.
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<"hang">((
    resolve,
  ) => (timer = setTimeout(() => resolve("hang"), 2000)));
  try {
    const response = await Promise.race([handler(request), deadline]);
    if (response === "hang") return "no response within 2 s";
    if (response.status >= 500 && response.status !== 503 && response.status !== 502) {
      return `status ${response.status}: ${await response.text()}`;
    }
    const type = response.headers.get("content-type") ?? "";
    if (type.includes("ndjson")) {
      await response.body?.cancel();
      return response.status === 200 ? null : `stream with status ${response.status}`;
    }
    const text = await response.text();
    let envelope: { ok?: unknown; error?: { code?: unknown } };
    try {
      envelope = JSON.parse(text);
    } catch (_e) {
      return `not JSON: ${text.slice(0, 200)}`;
    }
    if (typeof envelope.ok !== "boolean") return `no ok field: ${text.slice(0, 200)}`;
    if (envelope.ok === false && !isErrorCode(envelope.error?.code)) {
      return `unknown error code: ${text.slice(0, 200)}`;
    }
    if (envelope.ok === true && response.status !== 200) return `ok with ${response.status}`;
    return null;
  } catch (error) {
    return `handler rejected: ${error instanceof Error ? error.stack : String(error)}`;
  } finally {
    clearTimeout(timer);
  }
}

Deno.test("API fuzzer: the control handler answers every request with a clean envelope", async () => {
  const seed = fuzzSeed();
  const ms = fuzzBudgetMs(10_000);
  console.log(`API fuzzer: FUZZ_SEED=${seed} FUZZ_MS=${ms}`);
  const api = hostileScenario();
  const handler = createControlHandler(api);
  const protos = snapshotPrototypes();
  const failures: string[] = [];
  const corpus = await readCorpus("api");
  for (const [name, bytes] of corpus) {
    const c: Case = JSON.parse(new TextDecoder().decode(bytes));
    const body = Uint8Array.from(atob(c.body), (ch) => ch.charCodeAt(0));
    const problem = await runOne(handler, c.method, c.path, body);
    if (problem) failures.push(`corpus ${name}: ${problem}`);
  }
  const rng = new Rng(seed);
  const deadline = performance.now() + ms;
  let i = 0;
  let clean = 0;
  for (; performance.now() < deadline && failures.length === 0; i++) {
    const { method, path, body } = generate(rng);
    const problem = await runOne(handler, method, path, body);
    if (problem) {
      const name = `crash-${seed}-${i}.json.case`;
      const saved = await saveToCorpus(
        "api",
        name,
        new TextEncoder().encode(JSON.stringify(toCase(method, path, body))),
      );
      failures.push(`seed ${seed} iteration ${i} (${method} ${path.slice(0, 60)}): ${problem}`);
      console.log(`API fuzzer: saved failing request to ${saved}`);
    } else clean++;
  }
  const changed = protos.diff();
  assert.deepEqual(failures, [], `API fuzzer failed (FUZZ_SEED=${seed})`);
  assert.deepEqual(changed, [], "prototype changed");
  assert(i > 100, `only ${i} requests in ${ms} ms`);
  console.log(
    `API fuzzer: ${clean} requests + ${corpus.length} corpus cases in ${ms} ms, 0 failures, ` +
      `prototypes unchanged; calls reaching the API: ${JSON.stringify(api.counts())}`,
  );
});
