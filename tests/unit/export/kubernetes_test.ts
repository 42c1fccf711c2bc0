import assert from "node:assert/strict";
import { parseAllDocuments } from "yaml";
import type { Config, ProgramSpec } from "../../../src/config/types.ts";
import { dnsLabel } from "../../../src/export/kube_names.ts";
import { renderExport } from "../../../src/export/render.ts";
import { makeSpec } from "../../helpers/specs.ts";

function config(programs: ProgramSpec[]): Config {
  return { file: "app.yaml", path: "/srv/app.yaml", daemon: {} as Config["daemon"], programs };
}

// deno-lint-ignore no-explicit-any
type Doc = any;

function docs(programs: ProgramSpec[], images = ["img"]): Doc[] {
  const r = renderExport(config(programs), "kubernetes", { images });
  assert.ok(!("error" in r), "error" in r ? r.error : "");
  return parseAllDocuments(r.files[0]!.content).map((d) => d.toJS());
}

Deno.test("DNS-1123 names: lowered, other characters to -, squeezed, trimmed, at most 63", () => {
  assert.equal(dnsLabel("Web_Server.v2"), "web-server-v2");
  assert.equal(dnsLabel("__a..b__"), "a-b");
  assert.equal(dnsLabel("a".repeat(62) + "-bc"), "a".repeat(62));
  assert.equal(dnsLabel("___"), "");
});

Deno.test("a name clash or an empty name is an error (exit 1)", () => {
  const r = renderExport(
    config([makeSpec({ name: "a_b" }), makeSpec({ name: "a.b" })]),
    "kubernetes",
    {
      images: ["x"],
    },
  );
  assert.ok("error" in r && r.kind === "invalid");
  assert.match(r.error, /a_b and a\.b both map to the Kubernetes name a-b/);
  const empty = renderExport(config([makeSpec({ name: "_" })]), "kubernetes", { images: ["x"] });
  assert.ok("error" in empty && empty.kind === "invalid");
});

Deno.test("every program needs an image: usage error (exit 2) naming it", () => {
  const r = renderExport(config([makeSpec({ name: "a" }), makeSpec({ name: "b" })]), "kubernetes", {
    images: ["a=one"],
  });
  assert.ok("error" in r && r.kind === "usage");
  assert.match(r.error, /program b has no image/);
  const d = docs([makeSpec({ name: "a" }), makeSpec({ name: "b" })], ["def", "a=one"]);
  assert.deepEqual(d.map((x) => x.spec.template.spec.containers[0].image), ["one", "def"]);
});

Deno.test("Deployments and Jobs per autorestart; autostart false: replicas 0 / suspend", () => {
  const [a, b, c] = docs([
    makeSpec({ name: "c", autorestart: "never", numprocs: 3, startretries: 2 }),
    makeSpec({ name: "a", autostart: false, numprocs: 2, stoptime: 0 }),
    makeSpec({ name: "b", autorestart: "never", autostart: false, env: { N: "42" } }),
  ]);
  assert.equal(a.kind, "Deployment");
  assert.equal(a.spec.replicas, 0);
  assert.equal(a.spec.template.spec.terminationGracePeriodSeconds, 1);
  assert.equal(b.kind, "Job");
  assert.equal(b.spec.suspend, true);
  assert.equal(b.spec.template.spec.restartPolicy, "Never");
  assert.deepEqual(b.spec.template.spec.containers[0].env[0], { name: "N", value: "42" });
  assert.equal(c.kind, "Job");
  assert.equal(c.spec.suspend, undefined);
  assert.equal(c.spec.backoffLimit, 2);
  assert.equal(c.spec.completions, 3);
  assert.equal(c.spec.parallelism, 3);
  assert.equal(c.spec.completionMode, "Indexed");
  assert.equal(a.metadata.labels["app.kubernetes.io/managed-by"], "taskmaster");
  assert.equal(a.metadata.labels["app.kubernetes.io/part-of"], "app");
  assert.equal(a.metadata.annotations["taskmaster/program"], "a");
});

Deno.test("numeric identity goes to the pod securityContext; env values stay strings", () => {
  const [d] = docs([
    makeSpec({
      name: "p",
      identity: { uid: 33, gid: 33, user: "www-data", home: "/var/www" },
      env: { T: "true", N: "1" },
    }),
  ]);
  assert.deepEqual(d.spec.template.spec.securityContext, { runAsUser: 33, runAsGroup: 33 });
  for (const e of d.spec.template.spec.containers[0].env) assert.equal(typeof e.value, "string");
});

Deno.test("--namespace must be a DNS-1123 label", () => {
  const bad = renderExport(config([makeSpec()]), "kubernetes", {
    images: ["x"],
    namespace: "Prod",
  });
  assert.ok("error" in bad && bad.kind === "usage");
  const r = renderExport(config([makeSpec()]), "kubernetes", { images: ["x"], namespace: "prod" });
  assert.ok(!("error" in r));
  assert.match(r.files[0]!.content, /namespace: prod/);
});
