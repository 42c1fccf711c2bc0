/**
 * Differential fuzzer for the quick socket scan (src/protocol/socket_scan.ts): random config
 * texts built from realistic pieces, then hostile variations (quotes left open, tabs, anchors,
 * document markers, swapped lines, stray characters). Whenever the scan answers, its answer must
 * equal the full YAML parse's. Seeded (FUZZ_SEED reproduces a run), bounded by FUZZ_MS (default
 * 3 s); the config fuzzer's saved corpus is replayed too.
 */
import assert from "node:assert/strict";
import { scanSocketValue } from "../../src/protocol/socket_scan.ts";
import { socketValueByYaml } from "../../src/protocol/socket_path.ts";
import { fuzzBudgetMs, fuzzSeed, mutateText, readCorpus, Rng } from "./fuzz_util.ts";

const INDENTS = ["  ", "  ", "    ", " ", "   ", "\t", ""];
const KEYS_TM = [
  "taskmaster",
  "taskmaster",
  "taskmaster",
  '"taskmaster"',
  "'taskmaster'",
  "taskmaster ",
];
const KEYS_SOCKET = ["socket", "socket", "socket", '"socket"', "'socket'", "socket ", "sock\\x65t"];
/** Socket values: mostly ones the scan reads, some it must refuse or misread at its peril. */
const VALUES_GOOD = [
  "/run/tm.sock",
  "./tm.sock",
  "tm.sock",
  '"/a b/c.sock"',
  "'/it''s.sock'",
  '"\\x41\\u00e9\\t"',
  '"null"',
  "~/x.sock",
  "-1/2",
  "/a#b",
  "/a # comment",
  "''",
  '""',
  "/a\\b",
];
const VALUES_BAD = [
  "null",
  "~",
  "12",
  "0x1F",
  ".inf",
  "true",
  "True",
  "yes",
  '"/s"#c',
  "a: b",
  "[a, b]",
  "{ a: 1 }",
  "&x /s",
  "*x",
  "!!str /s",
  "|",
  ">-",
  '"open',
  "'open",
  "[open",
  '"\\q"',
  "- x",
  "? x",
  ": x",
];
const VALUES = [...VALUES_GOOD, ...VALUES_GOOD, ...VALUES_BAD];
const OTHER_VALUES = [
  '"sleep 1000"',
  "sleep 1000",
  "[0, 2]",
  "{ A: '1', B: \"x\" }",
  "true",
  "unexpected",
  "5",
  "'don''t'",
  '[don\'t, "x]"]',
  "{a: [1, {b: 2}]}",
  "|",
  ">+",
  '"a\\"b"',
  "none",
  "",
];

const FLOW_TOKENS = [
  "[",
  "]",
  "{",
  "}",
  ", ",
  ",",
  ": ",
  ":",
  "a",
  "b c",
  '"q]"',
  "'s'",
  " ",
  "\\",
  "#",
  " #",
  "-1",
  "don't",
  "x[1]",
  '"a":',
  "?",
  "&a",
  "*a",
];

/** A flow collection, balanced or not, from flow-context pieces. */
function randomFlow(rng: Rng): string {
  let out = rng.pick(["[", "{"]);
  const n = 1 + rng.int(8);
  for (let i = 0; i < n; i++) out += rng.pick(FLOW_TOKENS);
  return out + rng.pick(["]", "}", "]}", "}]", ""]);
}

function line(rng: Rng, indent: string, key: string, value: string): string {
  const comment = rng.chance(0.1) ? rng.pick([" # c", "  #c", "#glued"]) : "";
  return `${indent}${key}:${value === "" ? "" : " " + value}${comment}`;
}

function block(rng: Rng, indent: string, depth: number): string[] {
  const out: string[] = [];
  const n = rng.int(4);
  for (let i = 0; i < n; i++) {
    const key = rng.pick(["cmd", "env", "args", "stdout", "numprocs", "socket", "taskmaster", "x"]);
    const value = rng.chance(0.3) ? randomFlow(rng) : rng.pick(OTHER_VALUES);
    out.push(line(rng, indent, key, value));
    if (value === "|" || value === ">+") out.push(`${indent}  text line`, `${indent}  socket: /no`);
    else if (value === "" && depth < 3) {
      if (rng.chance(0.3)) out.push(`${indent}- a`, `${indent}- 'b'`);
      else out.push(...block(rng, indent + rng.pick(["  ", "    "]), depth + 1));
    }
  }
  return out;
}

function taskmasterBlock(rng: Rng): string[] {
  const indent = rng.pick(INDENTS);
  const out = [
    rng.chance(0.9) ? `${rng.pick(KEYS_TM)}:` : `${rng.pick(KEYS_TM)}: ${rng.pick(VALUES)}`,
  ];
  const n = 1 + rng.int(4);
  for (let i = 0; i < n; i++) {
    if (rng.chance(0.5)) out.push(line(rng, indent, rng.pick(KEYS_SOCKET), rng.pick(VALUES)));
    else {out.push(
        line(rng, indent, rng.pick(["logfile", "http", "email"]), rng.pick(OTHER_VALUES)),
      );}
    if (rng.chance(0.15)) out.push(rng.pick(["", "# c", `${indent}  cont`, `${indent}# c`]));
  }
  return out;
}

function programsBlock(rng: Rng): string[] {
  const out = ["programs:"];
  const n = rng.int(4);
  for (let i = 0; i < n; i++) {
    out.push(`  p${i}:`, ...block(rng, "    ", 1));
  }
  return out;
}

/** A config text from realistic pieces, in random order and number. */
function generate(rng: Rng): string {
  const parts: string[] = [];
  if (rng.chance(0.1)) parts.push("\ufeff");
  if (rng.chance(0.2)) parts.push(rng.pick(["---", "--- # doc", "%YAML 1.2\n---", "# head"]));
  const sections = 1 + rng.int(4);
  for (let i = 0; i < sections; i++) {
    const pick = rng.int(10);
    if (pick < 4) parts.push(...taskmasterBlock(rng));
    else if (pick < 7) parts.push(...programsBlock(rng));
    else if (pick < 8) {
      parts.push(line(rng, "", rng.pick(["x", "<<", "socket", "base"]), rng.pick(VALUES)));
    } else if (pick < 9) parts.push("", "# comment");
    else parts.push(rng.pick(["---", "...", "- item", "  stray: 1", "? k", "x: &a /s"]));
  }
  const eol = rng.chance(0.15) ? "\r\n" : "\n";
  let text = parts.join(eol) + (rng.chance(0.8) ? eol : "");
  if (text.startsWith("\ufeff" + eol)) text = "\ufeff" + text.slice(1 + eol.length);
  return text;
}

/** A JSON config, pretty or not, sometimes with duplicate or escaped keys. */
function generateJson(rng: Rng): string {
  const tm: Record<string, unknown> = {};
  if (rng.chance(0.8)) tm.socket = rng.pick(["/j.sock", "./j", 5, null, "", 'a"b', "\\/x"]);
  if (rng.chance(0.5)) tm.http = rng.pick([false, { port: 1 }]);
  const root: Record<string, unknown> = rng.chance(0.9) ? { taskmaster: tm } : {};
  if (rng.chance(0.7)) {
    root.programs = { w: { cmd: "sleep 1", socket: rng.chance(0.1) ? "/x" : undefined } };
  }
  let text = JSON.stringify(root, null, rng.pick([undefined, 1, 2, "\t"]));
  if (rng.chance(0.2)) {
    text = text.replace('"taskmaster"', rng.pick(['"task\\u006daster"', '"taskmaster" ']));
  }
  if (rng.chance(0.1)) text = text.replace(/\}\s*$/, ', "taskmaster": {"socket": "/dup"}}');
  return text;
}

const TOKENS = [
  '"',
  "'",
  "[",
  "{",
  "]",
  "}",
  "\t",
  "\r",
  "\n",
  "#",
  " #",
  ": ",
  "- ",
  "&a ",
  "*a",
  "!!str ",
  "|",
  ">",
  "\n---\n",
  "\n...\n",
  "\\",
  "? ",
  "<<: ",
  "%YAML 1.2\n",
  "  ",
  "\u2028",
  "\x85",
  "\ufeff",
  "\ntaskmaster:\n  socket: /z\n",
  "\n  socket: /y",
  "socket",
  "taskmaster",
];

Deno.test("socket scan fuzzer: whenever the quick scan answers, the full parse agrees", async () => {
  const seed = fuzzSeed();
  const ms = fuzzBudgetMs(3_000);
  console.log(`socket scan fuzzer: FUZZ_SEED=${seed} FUZZ_MS=${ms}`);
  const rng = new Rng(seed);
  const decoder = new TextDecoder();
  const corpus = (await readCorpus("config")).map(([, bytes]) => decoder.decode(bytes));
  let runs = 0;
  let answered = 0;
  const check = async (text: string) => {
    runs++;
    const scan = scanSocketValue(text);
    if (!scan.sure) return;
    answered++;
    const slow = await socketValueByYaml(text);
    assert.equal(scan.value, slow, `FUZZ_SEED=${seed}: differs on ${JSON.stringify(text)}`);
  };
  for (const text of corpus) {
    await check(text);
  }
  const deadline = performance.now() + ms;
  while (performance.now() < deadline) {
    const base = rng.chance(0.15) ? generateJson(rng) : generate(rng);
    await check(base);
    const other = corpus.length > 0 && rng.chance(0.3) ? rng.pick(corpus) : generate(rng);
    await check(mutateText(rng, base, TOKENS, other));
    // A clean taskmaster entry first, then anything: the scan stops reading after that entry.
    const head = rng.pick([
      "taskmaster:\n  socket: /t\n",
      "taskmaster:\n  socket: '/t'\n  http: false\n",
    ]);
    await check(head + mutateText(rng, generate(rng), TOKENS, other));
  }
  console.log(`socket scan fuzzer: ${runs} texts, the quick scan answered ${answered}`);
  // A fuzzer whose scan never answers proves nothing.
  assert.ok(answered > runs / 10, `the quick scan answered only ${answered} of ${runs}`);
});
