/**
 * Shared pieces of the fuzzers: a seeded RNG (the seed is printed so a failure reproduces with
 * `FUZZ_SEED=…`), the time budget (`FUZZ_MS`), string mutators, and the regression corpus
 * (every saved input under tests/fuzz/corpus/ is replayed on every run).
 */

/** Folder of the regression corpus. */
export const CORPUS_DIR = new URL("./corpus/", import.meta.url).pathname;

/** A deterministic pseudo-random source (mulberry32). */
export class Rng {
  #state: number;
  /** @param seed any 32-bit integer; the same seed gives the same sequence. */
  constructor(seed: number) {
    this.#state = seed >>> 0;
  }
  /** A float in [0, 1). */
  next(): number {
    let t = (this.#state = (this.#state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }
}

/** The seed for this run: `FUZZ_SEED` if set, else a fresh random one. */
export function fuzzSeed(): number {
  const fromEnv = Deno.env.get("FUZZ_SEED");
  return fromEnv ? Number(fromEnv) >>> 0 : crypto.getRandomValues(new Uint32Array(1))[0] ?? 1;
}

/** Time budget of one fuzzer in ms: `FUZZ_MS` if set, else `fallback`. */
export function fuzzBudgetMs(fallback: number): number {
  const fromEnv = Number(Deno.env.get("FUZZ_MS"));
  return Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : fallback;
}

/** Applies 1–4 random text mutations drawn from `tokens` (insert, delete, repeat, splice). */
export function mutateText(rng: Rng, text: string, tokens: readonly string[], other = ""): string {
  let out = text;
  const steps = 1 + rng.int(4);
  for (let s = 0; s < steps; s++) {
    const at = rng.int(out.length + 1);
    switch (rng.int(8)) {
      case 0:
      case 1:
        out = out.slice(0, at) + rng.pick(tokens) + out.slice(at);
        break;
      case 2: {
        const len = 1 + rng.int(16);
        out = out.slice(0, at) + out.slice(at + len);
        break;
      }
      case 3: {
        const len = 1 + rng.int(40);
        const piece = out.slice(at, at + len);
        out = out.slice(0, at) + piece.repeat(1 + rng.int(8)) + out.slice(at);
        break;
      }
      case 4:
        out = out.slice(0, at) + String.fromCharCode(rng.int(0x80)) + out.slice(at + 1);
        break;
      case 5: {
        const from = rng.int(other.length + 1);
        out = out.slice(0, at) + other.slice(from, from + 1 + rng.int(80)) + out.slice(at);
        break;
      }
      case 6: {
        // Swap two lines: reorders keys and indentation levels.
        const lines = out.split("\n");
        const i = rng.int(lines.length);
        const j = rng.int(lines.length);
        [lines[i], lines[j]] = [lines[j] ?? "", lines[i] ?? ""];
        out = lines.join("\n");
        break;
      }
      default:
        out = out.slice(0, at) + String.fromCodePoint(rng.int(0x10ffff)) + out.slice(at);
    }
  }
  return out;
}

/** Every file in `corpus/<kind>/` as [name, bytes], sorted by name. */
export async function readCorpus(kind: string): Promise<[string, Uint8Array][]> {
  const dir = `${CORPUS_DIR}${kind}/`;
  const out: [string, Uint8Array][] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isFile && !entry.name.startsWith(".") && entry.name !== "README.md") {
      out.push([entry.name, await Deno.readFile(`${dir}${entry.name}`)]);
    }
  }
  return out.sort((a, b) => a[0].localeCompare(b[0]));
}

/** Saves a failing input as a new regression case; returns its path. */
export async function saveToCorpus(kind: string, name: string, bytes: Uint8Array): Promise<string> {
  const path = `${CORPUS_DIR}${kind}/${name}`;
  await Deno.writeFile(path, bytes);
  return path;
}
