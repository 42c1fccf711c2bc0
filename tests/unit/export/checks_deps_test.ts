/**
 * Export of `depends_on`, `ready` and `health` (docs/export.md): one test per mapping row and
 * target, through the loader so only written keys are judged.
 */
import assert from "node:assert/strict";
import { parseAllDocuments } from "yaml";
import { parseConfigText } from "../../../src/config/load.ts";
import type { Config } from "../../../src/config/types.ts";
import { renderExport } from "../../../src/export/render.ts";
import type { ExportNote, ExportResult } from "../../../src/protocol/export.ts";

function load(yaml: string) {
  const loaded = parseConfigText(yaml, "app.yaml", "/srv/app.yaml", { uid: 0, gid: 0 });
  assert.ok(loaded.ok, loaded.ok ? "" : loaded.errors.map((e) => e.text).join("\n"));
  return loaded.config;
}

function systemd(yaml: string): ExportResult {
  const r = renderExport(load(yaml), "systemd");
  assert.ok(!("error" in r), "error" in r ? r.error : "");
  return r;
}

function unit(r: ExportResult, path: string): string {
  const f = r.files.find((x) => x.path === path);
  assert.ok(f, `${path} in ${r.files.map((x) => x.path).join(", ")}`);
  return f.content;
}

// deno-lint-ignore no-explicit-any
type Doc = any;

function kube(yaml: string): { docs: Doc[]; notes: readonly ExportNote[] } {
  const r = renderExport(load(yaml), "kubernetes", { images: ["img"] });
  assert.ok(!("error" in r), "error" in r ? r.error : "");
  return {
    docs: parseAllDocuments(r.files[0]!.content).map((d) => d.toJS()),
    notes: r.notes,
  };
}

/** The container of the document named `name`. */
function container(docs: Doc[], name: string): Doc {
  const doc = docs.find((d) => d.metadata.name === name);
  assert.ok(doc, name);
  return doc.spec.template.spec.containers[0];
}

function noteOf(notes: readonly ExportNote[], key: string): ExportNote | undefined {
  return notes.find((n) => n.key === key);
}

const DEPS = `
programs:
  db:
    cmd: /bin/sleep 100
    numprocs: 2
    ready: { tcp: "127.0.0.1:{num+5432}" }
  migrate:
    cmd: /bin/true
    autorestart: false
    exitcodes: [0, 4]
  web:
    cmd: /bin/sleep 100
    depends_on: { db: ready, migrate: completed }
  side:
    cmd: /bin/sleep 100
    depends_on: [migrate]
`;

Deno.test("systemd depends_on started/ready: Requires= + After= on every instance, approximate", () => {
  const r = systemd(DEPS);
  const web = unit(r, "app-web.service");
  assert.match(web, /^Requires=app-db@0\.service app-db@1\.service$/m);
  assert.match(web, /^After=app-db@0\.service app-db@1\.service$/m);
  const side = unit(r, "app-side.service");
  assert.match(side, /^Requires=app-migrate\.service$/m);
  assert.match(side, /^After=app-migrate\.service$/m);
  assert.deepEqual(noteOf(r.notes, "web.depends_on"), {
    key: "web.depends_on",
    kind: "approximate",
    message: "db: Requires= + After= order by start, not by readiness; " +
      "migrate: Type=oneshot + RemainAfterExit=yes (a oneshot is never restarted)",
  });
  // A program without depends_on gets no ordering and no note.
  assert.doesNotMatch(unit(r, "app-db@.service"), /^(Requires|After)=/m);
  assert.equal(noteOf(r.notes, "db.depends_on"), undefined);
});

Deno.test("systemd depends_on completed: the dependency is Type=oneshot + RemainAfterExit=yes", () => {
  const r = systemd(DEPS);
  const migrate = unit(r, "app-migrate.service");
  assert.match(migrate, /^Type=oneshot$/m);
  assert.match(migrate, /^RemainAfterExit=yes$/m);
  assert.match(migrate, /^Restart=no$/m);
  assert.match(migrate, /^SuccessExitStatus=4$/m);
  assert.doesNotMatch(migrate, /^Type=exec$/m);
  assert.match(unit(r, "app-web.service"), /^Requires=app-migrate\.service$/m);
  // Only a `completed` dependency changes type.
  assert.match(unit(r, "app-db@.service"), /^Type=exec$/m);
});

Deno.test("systemd depends_on: a dependency without a unit is left out with a note", () => {
  const r = systemd(`
programs:
  bad: { cmd: ["/bin/echo", "a\\u0001b"] }
  web: { cmd: /bin/sleep 100, depends_on: [bad] }
`);
  assert.doesNotMatch(unit(r, "app-web.service"), /^Requires=/m);
  assert.ok(
    r.notes.some((n) =>
      n.key === "web.depends_on" && n.kind === "dropped" && /bad has no unit/.test(n.message)
    ),
  );
});

Deno.test("systemd ready and health: dropped with a note, nothing written", () => {
  const r = systemd(`
programs:
  web:
    cmd: /bin/sleep 100
    ready: { http: "http://127.0.0.1:8080/" }
    health: { exec: /bin/true }
`);
  assert.equal(noteOf(r.notes, "web.ready")?.kind, "dropped");
  assert.equal(noteOf(r.notes, "web.health")?.kind, "dropped");
  assert.doesNotMatch(unit(r, "app-web.service"), /8080|\/bin\/true/);
});

Deno.test("kubernetes ready tcp: readinessProbe + startupProbe covering deadline; loopback host omitted", () => {
  const { docs, notes } = kube(`
programs:
  loop: { cmd: /bin/sleep 100, ready: { tcp: 5432, deadline: 30, period: 2 } }
  far: { cmd: /bin/sleep 100, ready: { tcp: "db.internal:5432", deadline: 20, period: 2, timeout: 3 } }
`);
  const loop = container(docs, "loop");
  const timing = { initialDelaySeconds: 0, periodSeconds: 2, timeoutSeconds: 1 };
  assert.deepEqual(loop.readinessProbe, { tcpSocket: { port: 5432 }, ...timing });
  assert.deepEqual(loop.startupProbe, {
    tcpSocket: { port: 5432 },
    ...timing,
    failureThreshold: 15,
  });
  assert.deepEqual(noteOf(notes, "loop.ready"), {
    key: "loop.ready",
    kind: "approximate",
    message: "host 127.0.0.1 left out: Kubernetes probes the pod IP",
  });
  const far = container(docs, "far");
  assert.deepEqual(far.readinessProbe.tcpSocket, { port: 5432, host: "db.internal" });
  assert.equal(far.startupProbe.failureThreshold, 10);
  assert.equal(far.startupProbe.timeoutSeconds, 3);
  assert.equal(noteOf(notes, "far.ready"), undefined, "whole seconds, real host: exact");
});

Deno.test("kubernetes ready http: path, port, scheme; status, tlsverify and rounding noted", () => {
  const { docs, notes } = kube(`
programs:
  web:
    cmd: /bin/sleep 100
    ready:
      http: { url: "https://api.example/ready?x=1", status: [200, 503], tlsverify: true }
      period: 1.5
      timeout: 0.5
      initialdelay: 0.2
      deadline: 10
`);
  const c = container(docs, "web");
  assert.deepEqual(c.readinessProbe, {
    httpGet: { path: "/ready?x=1", port: 443, scheme: "HTTPS", host: "api.example" },
    initialDelaySeconds: 1,
    periodSeconds: 2,
    timeoutSeconds: 1,
  });
  assert.equal(c.startupProbe.failureThreshold, 5);
  const note = noteOf(notes, "web.ready");
  assert.equal(note?.kind, "approximate");
  for (
    const part of [
      "status 200, 503: Kubernetes passes any 200–399",
      "Kubernetes does not verify the certificate",
      "period 1.5 s written as 2",
      "timeout 0.5 s written as 1",
      "initialdelay 0.2 s written as 1",
    ]
  ) assert.ok(note?.message.includes(part), `${part} in ${note?.message}`);
  const plain = kube(`
programs:
  web: { cmd: /bin/sleep 100, ready: { http: "http://localhost:8080/" } }
`);
  assert.deepEqual(container(plain.docs, "web").readinessProbe.httpGet, {
    path: "/",
    port: 8080,
    scheme: "HTTP",
  });
  assert.match(noteOf(plain.notes, "web.ready")?.message ?? "", /^host localhost left out/);
});

Deno.test("kubernetes ready exec: exec.command, exact; ready log: dropped, no probe", () => {
  const { docs, notes } = kube(`
programs:
  a: { cmd: /bin/sleep 100, ready: { exec: "/bin/check --fast", deadline: 60 } }
  b: { cmd: /bin/sleep 100, ready: { log: "^up$" } }
`);
  assert.deepEqual(container(docs, "a").readinessProbe.exec, {
    command: ["/bin/check", "--fast"],
  });
  assert.equal(container(docs, "a").startupProbe.failureThreshold, 60);
  assert.equal(noteOf(notes, "a.ready"), undefined);
  const b = container(docs, "b");
  assert.equal(b.readinessProbe, undefined);
  assert.equal(b.startupProbe, undefined);
  assert.deepEqual(noteOf(notes, "b.ready"), {
    key: "b.ready",
    kind: "dropped",
    message: "Kubernetes has no probe on log lines",
  });
});

Deno.test("kubernetes health: livenessProbe with failures → failureThreshold; action none dropped", () => {
  const { docs, notes } = kube(`
programs:
  a:
    cmd: /bin/sleep 100
    health: { tcp: "10.0.0.5:6379", failures: 5, period: 4, timeout: 2, initialdelay: 7 }
  b: { cmd: /bin/sleep 100, health: { exec: /bin/true, action: none } }
`);
  assert.deepEqual(container(docs, "a").livenessProbe, {
    tcpSocket: { port: 6379, host: "10.0.0.5" },
    initialDelaySeconds: 7,
    periodSeconds: 4,
    timeoutSeconds: 2,
    failureThreshold: 5,
  });
  assert.equal(noteOf(notes, "a.health"), undefined);
  assert.equal(container(docs, "b").livenessProbe, undefined);
  assert.deepEqual(noteOf(notes, "b.health"), {
    key: "b.health",
    kind: "dropped",
    message: "action none: a livenessProbe always restarts, so none is written",
  });
});

Deno.test("kubernetes {num} placeholders: dropped when numprocs > 1, resolved (0) when 1", () => {
  const { docs, notes } = kube(`
programs:
  many:
    cmd: /bin/sleep 100
    numprocs: 2
    ready: { tcp: "{num+8000}" }
    health: { exec: ["/bin/check", "{num}"] }
  one:
    cmd: /bin/sleep 100
    ready: { http: "http://10.1.1.1:{num+8000}/" }
    health: { exec: ["/bin/check", "{num}"] }
`);
  const many = container(docs, "many");
  assert.equal(many.readinessProbe, undefined);
  assert.equal(many.livenessProbe, undefined);
  for (const key of ["many.ready", "many.health"]) {
    assert.equal(noteOf(notes, key)?.kind, "dropped");
    assert.match(noteOf(notes, key)?.message ?? "", /\{num\} placeholders differ per replica/);
  }
  const one = container(docs, "one");
  assert.equal(one.readinessProbe.httpGet.port, 8000);
  assert.deepEqual(one.livenessProbe.exec.command, ["/bin/check", "0"]);
});

Deno.test("kubernetes depends_on: dropped with a note; keys not written give none", () => {
  const { notes } = kube(DEPS);
  assert.deepEqual(noteOf(notes, "web.depends_on"), {
    key: "web.depends_on",
    kind: "dropped",
    message: "Kubernetes has no start order between workloads",
  });
  assert.equal(noteOf(notes, "migrate.depends_on"), undefined);
  assert.equal(noteOf(notes, "web.ready"), undefined);
  assert.equal(noteOf(notes, "web.health"), undefined);
});

Deno.test("without recorded written keys, set depends_on/ready/health still give their notes", () => {
  const loaded = load(DEPS);
  const { written: _, ...bare } = loaded;
  const c: Config = bare;
  const r = renderExport(c, "kubernetes", { images: ["img"] });
  assert.ok(!("error" in r));
  assert.equal(noteOf(r.notes, "web.depends_on")?.kind, "dropped");
  assert.equal(noteOf(r.notes, "db.ready")?.kind, "dropped");
  assert.equal(noteOf(r.notes, "migrate.depends_on"), undefined);
});

Deno.test("kubernetes ready http: credentials in the URL are left out with a note", () => {
  const { docs, notes } = kube(`
programs:
  web: { cmd: /bin/sleep 100, ready: { http: "http://u:p@10.0.0.2:81/x" } }
`);
  assert.deepEqual(container(docs, "web").readinessProbe.httpGet, {
    path: "/x",
    port: 81,
    scheme: "HTTP",
    host: "10.0.0.2",
  });
  assert.match(noteOf(notes, "web.ready")?.message ?? "", /credentials in the URL left out/);
});
