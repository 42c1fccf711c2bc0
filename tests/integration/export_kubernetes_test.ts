/**
 * Kubernetes proof of export (docs/export.md "Proof"): every exported document type-checks
 * strictly against npm `kubernetes-types` (a generated .ts file declares each with its type, so
 * an unknown field is an excess-property error) and passes `validate()` of npm
 * `kubernetes-models`. Offline: no API server is needed.
 */
import assert from "node:assert/strict";
import { parseAllDocuments } from "yaml";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { Job } from "kubernetes-models/batch/v1/Job";
import { loadConfig, parseConfigText } from "../../src/config/load.ts";
import { renderExport } from "../../src/export/render.ts";
import type { Config } from "../../src/config/types.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

async function configs(): Promise<Config[]> {
  const example = await loadConfig(`${ROOT}examples/taskmaster.yaml`);
  const text = await Deno.readTextFile(`${ROOT}tests/fixtures/export/every_key.yaml`);
  const every = parseConfigText(text, "every_key.yaml", "/srv/app/every_key.yaml", {
    uid: 0,
    gid: 0,
  });
  const deps = await loadConfig(`${ROOT}examples/deps.yaml`);
  assert.ok(example.ok && every.ok && deps.ok);
  return [example.config, every.config, deps.config];
}

function documents(config: Config): Record<string, unknown>[] {
  const result = renderExport(config, "kubernetes", {
    images: ["registry.example/app:1", "web=registry.example/web:2"].filter((i) =>
      !i.startsWith("web=") || config.programs.some((p) => p.name === "web")
    ),
    namespace: "prod",
  });
  assert.ok(!("error" in result), "error" in result ? result.error : "");
  return parseAllDocuments(result.files[0]!.content).map((d) => {
    assert.equal(d.errors.length, 0);
    return d.toJS() as Record<string, unknown>;
  });
}

Deno.test("export kubernetes: every document type-checks strictly against kubernetes-types", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tm-k8s-" });
  try {
    const lines = [
      'import type { Deployment } from "kubernetes-types/apps/v1.d.ts";',
      'import type { Job } from "kubernetes-types/batch/v1.d.ts";',
    ];
    let n = 0;
    for (const config of await configs()) {
      for (const doc of documents(config)) {
        const type = doc.kind === "Job" ? "Job" : "Deployment";
        lines.push(`export const doc${n++}: ${type} = ${JSON.stringify(doc, null, 2)};`);
      }
    }
    // A control document with an unknown field proves the check is strict.
    const good = `${dir}/docs.ts`;
    await Deno.writeTextFile(good, lines.join("\n") + "\n");
    const bad = `${dir}/bad.ts`;
    await Deno.writeTextFile(
      bad,
      lines.slice(0, 2).join("\n") +
        '\nexport const x: Job = { apiVersion: "batch/v1", kind: "Job", spec: { template: {}, bogus: 1 } };\n',
    );
    const check = (file: string) =>
      new Deno.Command(Deno.execPath(), {
        args: ["check", "--quiet", "--config", `${ROOT}deno.json`, file],
        stdout: "piped",
        stderr: "piped",
      }).output();
    const ok = await check(good);
    assert.equal(ok.code, 0, new TextDecoder().decode(ok.stderr));
    const refused = await check(bad);
    assert.notEqual(refused.code, 0);
    assert.match(new TextDecoder().decode(refused.stderr), /bogus/);
    assert.ok(n >= 7, `${n} documents`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** "probeField handler" of every probe in `doc` (for example `readinessProbe tcpSocket`). */
function probes(doc: Record<string, unknown>): string[] {
  // deno-lint-ignore no-explicit-any
  const containers = (doc as any).spec.template.spec.containers as Record<string, unknown>[];
  return containers.flatMap((c) =>
    ["readinessProbe", "startupProbe", "livenessProbe"].flatMap((field) => {
      const probe = c[field] as Record<string, unknown> | undefined;
      if (probe === undefined) return [];
      return [`${field} ${Object.keys(probe).find((k) => /Socket|Get|exec/.test(k))}`];
    })
  );
}

Deno.test("export kubernetes: every document passes kubernetes-models validate()", async () => {
  const seen = new Set<string>();
  for (const config of await configs()) {
    for (const doc of documents(config)) {
      for (const p of probes(doc)) seen.add(p);
      const model = doc.kind === "Job" ? new Job(doc as never) : new Deployment(doc as never);
      model.validate();
    }
  }
  // The every-key config puts each probe kind through both validators.
  for (
    const p of [
      "readinessProbe tcpSocket",
      "startupProbe tcpSocket",
      "readinessProbe httpGet",
      "startupProbe httpGet",
      "readinessProbe exec",
      "startupProbe exec",
      "livenessProbe httpGet",
      "livenessProbe tcpSocket",
      "livenessProbe exec",
    ]
  ) assert.ok(seen.has(p), `${p} not exported: ${[...seen].join(", ")}`);
});
