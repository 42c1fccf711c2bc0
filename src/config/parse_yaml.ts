/**
 * YAML text → `yaml` Document with positions, refusing everything hostile before validation:
 * over-size text, absurd nesting or alias counts (pre-scan), syntax errors, duplicate keys,
 * custom or unknown tags, alias bombs, and the parser's own stack overflows.
 */
import { type Document, isNode, LineCounter, parseDocument, visit } from "yaml";
import { ErrorCollector } from "./error_collector.ts";
import { prescanYaml } from "./prescan_yaml.ts";

/** Largest config accepted, in bytes (docs/config.md "Limits"). */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/** Expansion cap passed to `yaml` (its default); a bomb passes it long before expanding. */
export const MAX_ALIAS_COUNT = 100;

/** A parsed document plus what is needed to report positions. */
export interface YamlSource {
  readonly doc: Document.Parsed;
  readonly text: string;
}

/**
 * UTF-8 length of `text`, encoded only when it could matter: UTF-8 never takes fewer bytes
 * than UTF-16 code units, nor more than three per unit, so most sizes are decided at once.
 */
function byteLength(text: string): number {
  if (text.length * 3 <= MAX_CONFIG_BYTES || text.length > MAX_CONFIG_BYTES) return text.length;
  return new TextEncoder().encode(text).length;
}

function firstLine(message: string): string {
  const line = message.split("\n")[0] ?? message;
  return line.replace(/ at line \d+, column \d+:?$/, "");
}

/**
 * Parses `text` for `file`. Returns the document and a collector already holding every
 * syntax-level error; `source` is null when the text cannot be validated further.
 */
export function parseYamlSource(
  text: string,
  file: string,
): { source: YamlSource | null; errors: ErrorCollector } {
  const lines = new LineCounter();
  const errors = new ErrorCollector(file, lines);
  const size = byteLength(text);
  if (size > MAX_CONFIG_BYTES) {
    errors.file(`file is larger than 1 MiB (at least ${size} bytes); refusing to parse it`);
    return { source: null, errors };
  }
  if (text.trim() === "") {
    errors.file("config file is empty");
    return { source: null, errors };
  }
  const problem = prescanYaml(text);
  if (problem !== null) {
    // Positions are needed before parsing; feed the counter the line starts ourselves
    // (line 1 starts at offset 0, as the parser would have recorded).
    lines.addNewLine(0);
    for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) {
      lines.addNewLine(i + 1);
    }
    errors.at(problem.offset, "", problem.message);
    return { source: null, errors };
  }
  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, {
      lineCounter: lines,
      merge: true,
      uniqueKeys: true,
      prettyErrors: false,
      strict: true,
      version: "1.2",
    });
  } catch (e) {
    // `yaml` throws RangeError on nesting the pre-scan did not catch: report, do not crash.
    errors.file(`YAML too deeply nested to parse (${firstLine(String(e))})`);
    return { source: null, errors };
  }
  for (const e of doc.errors) {
    errors.at(e.pos[0], "", `YAML syntax error: ${firstLine(e.message)}`);
  }
  for (const w of doc.warnings) {
    const msg = w.code === "TAG_RESOLVE_FAILED"
      ? `${firstLine(w.message)} (custom tags are not allowed)`
      : firstLine(w.message);
    errors.at(w.pos[0], "", msg);
  }
  rejectExplicitTags(doc, errors);
  if (errors.count > 0) return { source: null, errors };
  if (text.includes("*")) {
    try {
      doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (e) {
      errors.file(`rejected: ${firstLine(String(e instanceof Error ? e.message : e))}`);
      return { source: null, errors };
    }
  }
  return { source: { doc, text }, errors };
}

/** The only explicit tags a config may carry: YAML 1.2 core types. */
const CORE_TAGS = new Set(
  ["str", "int", "float", "bool", "null", "map", "seq"].map((t) => `tag:yaml.org,2002:${t}`),
);

/**
 * `yaml` resolves some non-core tags (`!!binary`, `!!set`, …) silently, so "unknown tag"
 * warnings alone do not keep them out; any explicit tag outside the core schema is an error.
 */
function rejectExplicitTags(doc: Document.Parsed, errors: ErrorCollector): void {
  visit(doc, (_key, node) => {
    if (!isNode(node) || node.tag === undefined || CORE_TAGS.has(node.tag)) return;
    errors.at(node.range?.[0] ?? 0, "", `tag ${node.tag} is not allowed (only YAML core types)`);
  });
}
