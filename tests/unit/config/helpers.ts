/** Shared helpers for config tests: parse text as root with a fake environment. */
import assert from "node:assert/strict";
import { type LoadOptions, parseConfigText } from "../../../src/config/load.ts";
import type { Config, ConfigError } from "../../../src/config/types.ts";
import { parseYamlSource } from "../../../src/config/parse_yaml.ts";
import { type Ctx, type Entry, MERGE_BUDGET, readMap } from "../../../src/config/yaml_nodes.ts";
import { denoEnvFileFs } from "../../../src/config/env_file_read.ts";

export const FILE = "cfg.yaml";
export const ABS = "/srv/app/taskmaster.yaml";

/** Parses as root (uid 0) with env {SECRET_X: "s3cret"} unless overridden. */
export function parse(text: string, opts: LoadOptions = {}) {
  return parseConfigText(text, FILE, ABS, {
    uid: 0,
    gid: 0,
    env: (n) => (n === "SECRET_X" ? "s3cret" : undefined),
    hostname: "box",
    ...opts,
  });
}

/** Parses and asserts success. */
export function ok(text: string, opts: LoadOptions = {}): Config {
  const r = parse(text, opts);
  if (!r.ok) {
    throw new Error("expected valid config, got:\n" + r.errors.map((e) => e.text).join("\n"));
  }
  return r.config;
}

/** Parses and asserts failure; returns the errors. */
export function bad(text: string, opts: LoadOptions = {}): readonly ConfigError[] {
  const r = parse(text, opts);
  assert(!r.ok, "expected errors for:\n" + text);
  return r.errors;
}

/** A one-program config with extra YAML lines for program `web`. */
export function prog(lines: string): string {
  return `programs:\n  web:\n    cmd: /bin/true\n${
    lines.split("\n").map((l) => "    " + l).join("\n")
  }\n`;
}

/** A validation context over `text` (as yaml_nodes/entry_readers see it), with fake host facts. */
export function ctxFor(text: string): Ctx {
  const { source, errors } = parseYamlSource(text, FILE);
  if (source === null) {
    throw new Error("expected parsable YAML, got:\n" + errors.result().map((e) => e.text));
  }
  return {
    src: source,
    errors,
    mergeBudget: MERGE_BUDGET,
    host: {
      configDir: "/srv/app",
      uid: 0,
      gid: 0,
      env: () => undefined,
      hostname: "box",
      envFileFs: denoEnvFileFs,
    },
  };
}

/** The root map of a context's document, read without a key check. */
export function rootOf(ctx: Ctx): Map<string, Entry> {
  const map = readMap(ctx, ctx.src.doc.contents, "", null);
  if (map === null) throw new Error("root is not a map");
  return map;
}
