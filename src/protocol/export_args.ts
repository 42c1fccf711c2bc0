/**
 * The export options shared by `taskmasterd --export TARGET …` and `taskmasterctl export TARGET
 * …` (docs/cli.md "Export"): one parser, so both spell and check them alike.
 */
import { type ExportTarget, isExportTarget } from "./export.ts";

/** Parsed export options. */
export interface ExportArgs {
  target: ExportTarget | null;
  /** `-o`/`--out`: a folder (systemd, default: the current one) or a file (Kubernetes). */
  out: string | null;
  name: string | null;
  images: string[];
  namespace: string | null;
  strict: boolean;
  force: boolean;
  json: boolean;
}

/** Fresh options with nothing set. */
export function emptyExportArgs(): ExportArgs {
  return {
    target: null,
    out: null,
    name: null,
    images: [],
    namespace: null,
    strict: false,
    force: false,
    json: false,
  };
}

/** Sets the target from `--export TARGET` / `export TARGET`, or says what is wrong. */
export function setExportTarget(args: ExportArgs, value: string | undefined): string | null {
  if (value === undefined) return "export needs a target: systemd or kubernetes";
  if (!isExportTarget(value)) return `unknown export target '${value}' (systemd or kubernetes)`;
  args.target = value;
  return null;
}

const VALUED: Record<string, "out" | "name" | "images" | "namespace"> = {
  "-o": "out",
  "--out": "out",
  "--name": "name",
  "--image": "images",
  "--namespace": "namespace",
};

/**
 * Reads the export option at `argv[i]` (`--out PATH` or `--out=PATH`, …) into `args`. Returns
 * how many words it used, 0 when `argv[i]` is not an export option, or an error message.
 */
export function readExportOption(
  argv: readonly string[],
  i: number,
  args: ExportArgs,
): number | { error: string } {
  const word = argv[i]!;
  if (word === "--strict") return (args.strict = true, 1);
  if (word === "--force") return (args.force = true, 1);
  if (word === "--json") return (args.json = true, 1);
  const eq = word.startsWith("--") ? word.indexOf("=") : -1;
  const flag = eq > 0 ? word.slice(0, eq) : word;
  const field = Object.hasOwn(VALUED, flag) ? VALUED[flag] : undefined;
  if (field === undefined) return 0;
  const value = eq > 0 ? word.slice(eq + 1) : argv[i + 1];
  if (value === undefined || value === "") return { error: `${flag} needs a value` };
  if (field === "images") args.images.push(value);
  else args[field] = value;
  return eq > 0 ? 1 : 2;
}
