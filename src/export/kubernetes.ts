/**
 * Config → one multi-document Kubernetes YAML (docs/export.md "Kubernetes"): a Deployment per
 * restarting program, a Job per `autorestart: false` program, in program-name order.
 */
import { stringify } from "yaml";
import type { Config, ProgramSpec } from "../config/types.ts";
import { EXPORT_FILE_MODE, type ExportFailure, type ExportFile } from "../protocol/export.ts";
import { type DesiredStates, wantsStarted } from "./desired.ts";
import { dnsLabel, imagesFor, isDnsLabel, kubeNames } from "./kube_names.ts";
import { healthProbe, readyProbes } from "./kube_probes.ts";

/** What the Kubernetes renderer needs besides the config. */
export interface KubeContext {
  readonly app: string;
  readonly header: string;
  readonly desired: DesiredStates | undefined;
  readonly images: readonly string[];
  readonly namespace: string | undefined;
}

/** The annotation that keeps a program's original name. */
export const NAME_ANNOTATION = "taskmaster/program";

type Doc = Record<string, unknown>;

/** The single YAML file (`APP.yaml`), or why it cannot be rendered. */
export function renderKubernetes(config: Config, ctx: KubeContext): ExportFile | ExportFailure {
  if (ctx.namespace !== undefined && !isDnsLabel(ctx.namespace)) {
    return { kind: "usage", error: `--namespace ${ctx.namespace}: not a DNS-1123 label` };
  }
  const names = kubeNames(config.programs);
  if ("error" in names) return names;
  const images = imagesFor(config.programs, ctx.images);
  if ("error" in images) return images;
  const partOf = dnsLabel(ctx.app) || "taskmaster";
  const sorted = [...config.programs].sort((
    a,
    b,
  ) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const docs = sorted.map((spec) =>
    document(spec, names.get(spec.name)!, images.get(spec.name)!, partOf, ctx)
  );
  const body = docs.map((d) => stringify(d, { lineWidth: 0, aliasDuplicateObjects: false })).join(
    "---\n",
  );
  return { path: `${ctx.app}.yaml`, mode: EXPORT_FILE_MODE, content: `${ctx.header}\n${body}` };
}

function document(
  spec: ProgramSpec,
  name: string,
  image: string,
  partOf: string,
  ctx: KubeContext,
): Doc {
  const labels = {
    "app.kubernetes.io/name": name,
    "app.kubernetes.io/part-of": partOf,
    "app.kubernetes.io/managed-by": "taskmaster",
  };
  const metadata: Doc = {
    name,
    ...(ctx.namespace === undefined ? {} : { namespace: ctx.namespace }),
    labels,
    annotations: { [NAME_ANNOTATION]: spec.name },
  };
  const started = Array.from({ length: spec.numprocs }, (_, i) => i)
    .filter((i) => wantsStarted(spec, i, ctx.desired)).length;
  const job = spec.autorestart === "never";
  const pod = podSpec(spec, name, image, job);
  const template = { metadata: { labels }, spec: pod };
  if (job) {
    return {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata,
      spec: {
        ...(started === 0 ? { suspend: true } : {}),
        backoffLimit: spec.startretries,
        completions: spec.numprocs,
        parallelism: spec.numprocs,
        ...(spec.numprocs > 1 ? { completionMode: "Indexed" } : {}),
        template,
      },
    };
  }
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata,
    spec: {
      replicas: started,
      minReadySeconds: Math.ceil(spec.starttime),
      selector: { matchLabels: labels },
      template,
    },
  };
}

function podSpec(spec: ProgramSpec, name: string, image: string, job: boolean): Doc {
  const env = Object.keys(spec.env).sort().map((k) => ({ name: k, value: spec.env[k]! }));
  env.push({ name: "TASKMASTER_PROGRAM", value: spec.name });
  if (spec.numprocs === 1) {
    env.push({ name: "TASKMASTER_PROCESS_NAME", value: spec.name });
    env.push({ name: "TASKMASTER_PROCESS_NUM", value: "0" });
  }
  const container: Doc = {
    name,
    image,
    command: [...spec.argv],
    ...(spec.workingdir === null ? {} : { workingDir: spec.workingdir }),
    env,
    ...readyProbes(spec).fields,
    ...healthProbe(spec).fields,
  };
  const id = spec.identity;
  return {
    ...(job ? { restartPolicy: "Never" } : {}),
    terminationGracePeriodSeconds: Math.max(1, Math.ceil(spec.stoptime)),
    ...(id === null ? {} : { securityContext: { runAsUser: id.uid, runAsGroup: id.gid } }),
    containers: [container],
  };
}
