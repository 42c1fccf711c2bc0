/**
 * Reading `/metrics` answers in tests: the npm `parse-prometheus-text-format` parser (an
 * independent implementation of the text format, so the renderer is not checked against itself)
 * behind types, plus a line-by-line grammar check, because a lenient parser could accept text a
 * real Prometheus refuses.
 */
import parsePrometheus from "parse-prometheus-text-format";

/** One sample as the parser answers it (values stay strings, as in the text). */
export interface Sample {
  value: string;
  labels?: Record<string, string>;
}

/** One metric family. */
export interface Family {
  name: string;
  help: string;
  type: string;
  metrics: Sample[];
}

const NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
const LABEL = `[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\[\\\\"n])*"`;
const SAMPLE_RE = new RegExp(
  `^(${NAME})(?:\\{${LABEL}(?:,${LABEL})*\\})? (?:-?[0-9]+(?:\\.[0-9]+)?(?:e[+-]?[0-9]+)?)$`,
);
const META_RE = new RegExp(`^# (HELP|TYPE) (${NAME}) (.*)$`);

/**
 * Parses an exposition text; throws on a parse error or a line outside the grammar, on a sample
 * whose family has no TYPE line before it, and on a family split in two.
 */
export function parseMetrics(text: string): Family[] {
  if (!text.endsWith("\n")) throw new Error("text must end with a line feed");
  const typed = new Set<string>();
  const closed = new Set<string>();
  let current = "";
  for (const line of text.slice(0, -1).split("\n")) {
    const meta = META_RE.exec(line);
    if (meta !== null) {
      const name = meta[2]!;
      if (meta[1] === "TYPE") {
        if (!/^(gauge|counter)$/.test(meta[3]!)) throw new Error(`bad TYPE: ${line}`);
        typed.add(name);
      }
      continue;
    }
    const sample = SAMPLE_RE.exec(line);
    if (sample === null) throw new Error(`line outside the grammar: ${JSON.stringify(line)}`);
    const name = sample[1]!;
    if (!typed.has(name)) throw new Error(`sample before its TYPE line: ${line}`);
    if (name !== current) {
      if (closed.has(name)) throw new Error(`family ${name} split in two`);
      if (current !== "") closed.add(current);
      current = name;
    }
  }
  return parsePrometheus(text) as Family[];
}

/** The samples of family `name` (throws when it is missing). */
export function family(families: readonly Family[], name: string): Family {
  const found = families.find((f) => f.name === name);
  if (found === undefined) throw new Error(`no family ${name}`);
  return found;
}

/** The value (as a number) of the one sample of `name` whose labels include `labels`. */
export function valueOf(
  families: readonly Family[],
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const matches = family(families, name).metrics.filter((m) =>
    Object.entries(labels).every(([k, v]) => m.labels?.[k] === v)
  );
  if (matches.length > 1) throw new Error(`${matches.length} samples of ${name} match`);
  return matches[0] === undefined ? undefined : Number(matches[0].value);
}
