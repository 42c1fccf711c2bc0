/**
 * Kubernetes names (docs/export.md "Kubernetes"): DNS-1123 labels from program names, and the
 * `--image` options.
 */
import type { ProgramSpec } from "../config/types.ts";
import type { ExportFailure } from "../protocol/export.ts";

/** Longest DNS-1123 label. */
export const MAX_LABEL = 63;

/**
 * Lowercase; every character other than `[a-z0-9]` becomes `-`; runs of `-` squeezed; `-` trimmed
 * at both ends; cut to 63 and trimmed again. "" when nothing is left.
 */
export function dnsLabel(name: string): string {
  const squeezed = name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  return squeezed.slice(0, MAX_LABEL).replace(/-+$/, "");
}

/** True when `name` is already a DNS-1123 label (for `--namespace`). */
export function isDnsLabel(name: string): boolean {
  return name.length <= MAX_LABEL && /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(name);
}

/** Kubernetes name per program, or the failure naming the empty or clashing ones (exit 1). */
export function kubeNames(
  programs: readonly ProgramSpec[],
): Map<string, string> | ExportFailure {
  const byName = new Map<string, string>();
  const owner = new Map<string, string>();
  for (const spec of programs) {
    const label = dnsLabel(spec.name);
    if (label === "") {
      return { kind: "invalid", error: `program ${spec.name}: no Kubernetes name is left of it` };
    }
    const other = owner.get(label);
    if (other !== undefined) {
      return {
        kind: "invalid",
        error: `programs ${other} and ${spec.name} both map to the Kubernetes name ${label}`,
      };
    }
    owner.set(label, spec.name);
    byName.set(spec.name, label);
  }
  return byName;
}

/**
 * Image per program from `--image IMAGE` (default) and `--image PROG=IMAGE`, or the failure
 * (exit 2) naming a program without one, or an unknown PROG.
 */
export function imagesFor(
  programs: readonly ProgramSpec[],
  options: readonly string[],
): Map<string, string> | ExportFailure {
  let fallback: string | null = null;
  const own = new Map<string, string>();
  const known = new Set(programs.map((p) => p.name));
  for (const option of options) {
    const eq = option.indexOf("=");
    if (eq < 0) {
      if (option === "") return { kind: "usage", error: "--image needs a non-empty IMAGE" };
      fallback = option;
      continue;
    }
    const prog = option.slice(0, eq);
    const image = option.slice(eq + 1);
    if (!known.has(prog)) return { kind: "usage", error: `--image ${option}: no program ${prog}` };
    if (image === "") return { kind: "usage", error: `--image ${option}: empty IMAGE` };
    own.set(prog, image);
  }
  const out = new Map<string, string>();
  for (const spec of programs) {
    const image = own.get(spec.name) ?? fallback;
    if (image === null) {
      return {
        kind: "usage",
        error:
          `program ${spec.name} has no image (use --image IMAGE or --image ${spec.name}=IMAGE)`,
      };
    }
    out.set(spec.name, image);
  }
  return out;
}
