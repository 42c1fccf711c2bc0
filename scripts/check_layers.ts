/**
 * `deno task check` gate for the architecture rules (README.md "Architecture"):
 * - ctl/ imports only src/protocol/* and src/os/* (OS adapters both executables share) from
 *   src/, and src/ never imports ctl/;
 * - src/protocol/* and the pure modules use no `Deno.*`, timers or wall clock;
 * - src/config/* never imports supervisor/, control/, http1/, web/ or logs/;
 * - src/http1/* (transport) never imports control/, web/ or supervisor/;
 * - source files stay under 500 lines (hard cap).
 * Prints every violation and exits 1 if there is any.
 */
const ROOT = new URL("../", import.meta.url).pathname;
const HARD_CAP_LINES = 500;

/** Modules that must stay pure: no Deno APIs, no timers, no wall clock. */
const PURE = [
  "src/supervisor/machine.ts",
  "src/supervisor/machine_cells.ts",
  "src/supervisor/machine_types.ts",
  "src/config/graph.ts",
  "src/supervisor/policy.ts",
  "src/supervisor/states.ts",
  "src/config/diff.ts",
  "src/config/converters.ts",
  "src/process/proc_stat.ts",
  // The export renderer (docs/export.md): config in, files and notes out.
  "src/export/render.ts",
  "src/export/systemd.ts",
  "src/export/systemd_escape.ts",
  "src/export/kubernetes.ts",
  "src/export/kube_names.ts",
  "src/export/kube_probes.ts",
  "src/export/mapping.ts",
  "src/export/notes.ts",
  "src/export/desired.ts",
];

const violations: string[] = [];

for (const file of await sourceFiles()) {
  const text = await Deno.readTextFile(`${ROOT}${file}`);
  const lines = text.split("\n").length;
  if (lines > HARD_CAP_LINES) {
    violations.push(`${file}: ${lines} lines (hard cap ${HARD_CAP_LINES})`);
  }
  const imports = [
    ...text.matchAll(/^\s*(?:import|export)[^"'`;]*?from\s+["']([^"']+)["']/gm),
    ...text.matchAll(/^\s*import\s+["']([^"']+)["']/gm),
    ...text.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g),
  ]
    .map((m) => m[1]!)
    .filter((spec) => spec.startsWith("."))
    .map((spec) => resolve(file, spec));
  for (const target of imports) {
    if (
      file.startsWith("ctl/") && target.startsWith("src/") &&
      !target.startsWith("src/protocol/") && !target.startsWith("src/os/")
    ) {
      violations.push(`${file}: imports ${target} (ctl/ may import only src/protocol/, src/os/)`);
    }
    if (
      file.startsWith("src/os/") && !target.startsWith("src/protocol/") &&
      !target.startsWith("src/os/")
    ) {
      violations.push(`${file}: imports ${target} (src/os/ imports only protocol/ and itself)`);
    }
    if (file.startsWith("src/") && target.startsWith("ctl/")) {
      violations.push(`${file}: imports ${target} (src/ never imports ctl/)`);
    }
    if (file.startsWith("src/protocol/") && !target.startsWith("src/protocol/")) {
      violations.push(`${file}: imports ${target} (src/protocol/ imports only itself)`);
    }
    if (
      file.startsWith("src/config/") &&
      /^src\/(supervisor|control|http1|web|logs)\//.test(target)
    ) {
      violations.push(`${file}: imports ${target} (config/ is below the runtime layers)`);
    }
    if (file.startsWith("src/http1/") && /^src\/(control|web|supervisor)\//.test(target)) {
      violations.push(`${file}: imports ${target} (http1/ is transport only)`);
    }
  }
  const code = stripComments(text);
  if (file.startsWith("src/protocol/") || PURE.includes(file)) {
    if (/\bDeno\./.test(code)) violations.push(`${file}: uses Deno.* (must stay pure)`);
  }
  if (
    PURE.includes(file) &&
    /\b(setTimeout|setInterval|Date\.now|new Date\(|performance\.now)\b/.test(code)
  ) {
    violations.push(`${file}: uses timers or the clock (time must come in as an argument)`);
  }
}

if (violations.length > 0) {
  console.error(violations.join("\n"));
  console.error(`check_layers: ${violations.length} violation(s)`);
  Deno.exit(1);
}
console.log("check_layers: ok");

async function sourceFiles(): Promise<string[]> {
  const files: string[] = [];
  for (const dir of ["src", "ctl"]) {
    for await (const path of walk(`${ROOT}${dir}`)) files.push(path.slice(ROOT.length));
  }
  files.push("main.ts");
  return files.sort();
}

async function* walk(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) yield* walk(path);
    else if (entry.name.endsWith(".ts")) yield path;
  }
}

/** Repository-relative path of `spec` imported from `from`. */
function resolve(from: string, spec: string): string {
  const parts = from.split("/").slice(0, -1);
  for (const part of spec.split("/")) {
    if (part === "..") parts.pop();
    else if (part !== ".") parts.push(part);
  }
  return parts.join("/");
}

function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:])\/\/.*$/gm, "$1");
}
