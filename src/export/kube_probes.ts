/**
 * `ready` and `health` → Kubernetes probes (docs/export.md "Kubernetes"): `ready` tcp/http/exec
 * becomes a readinessProbe plus a startupProbe whose failureThreshold × periodSeconds covers
 * `deadline`; `health` becomes a livenessProbe. What does not carry over is returned with the
 * probes, so the mapping table (mapping.ts) and the renderer (kubernetes.ts) tell one story.
 */
import { resolveTarget } from "../config/check_placeholders.ts";
import type { CheckTarget, ProgramSpec } from "../config/types.ts";

type Doc = Record<string, unknown>;

/** The probes of one program, and why they differ from the config (empty: exact). */
export interface ProbeRender {
  /** Container fields (`readinessProbe`, `startupProbe`, `livenessProbe`) to add. */
  readonly fields: Doc;
  /** Why the key is dropped (no probe written), or null. */
  readonly dropped: string | null;
  /** What was rounded or left out while writing the probe. */
  readonly approximate: readonly string[];
}

const NONE: ProbeRender = { fields: {}, dropped: null, approximate: [] };

/** Loopback hosts (docs/config.md): in a pod they mean the pod itself, probed at its IP. */
function isLoopback(host: string): boolean {
  const h = host.replace(/^\[(.*)\]$/, "$1").toLowerCase();
  return h === "localhost" || h === "::1" || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/** Whole seconds, at least `min`; a rounded value is reported. */
function seconds(value: number, min: number, what: string, issues: string[]): number {
  const whole = Math.max(min, Math.ceil(value));
  if (whole !== value) issues.push(`${what} ${value} s written as ${whole}`);
  return whole;
}

/** The probe handler of `check`, or the reason it cannot be written. */
function handler(
  check: Exclude<CheckTarget, { kind: "log" }>,
  numprocs: number,
  issues: string[],
): Doc | string {
  const first = resolveTarget(check, 0);
  if (numprocs > 1 && JSON.stringify(first) !== JSON.stringify(resolveTarget(check, 1))) {
    return "{num} placeholders differ per replica, a pod template cannot: no probe written";
  }
  const loopback = (host: string) =>
    issues.push(`host ${host} left out: Kubernetes probes the pod IP`);
  switch (first.kind) {
    case "tcp": {
      const tcpSocket: Doc = { port: Number(first.port) };
      if (isLoopback(first.host)) loopback(first.host);
      else tcpSocket.host = first.host;
      return { tcpSocket };
    }
    case "http": {
      const url = new URL(first.url);
      const https = url.protocol === "https:";
      const httpGet: Doc = {
        path: `${url.pathname}${url.search}`,
        port: url.port === "" ? (https ? 443 : 80) : Number(url.port),
        scheme: https ? "HTTPS" : "HTTP",
      };
      if (isLoopback(url.hostname)) loopback(url.hostname);
      else httpGet.host = url.hostname.replace(/^\[(.*)\]$/, "$1");
      if (first.status !== null) {
        issues.push(`status ${first.status.join(", ")}: Kubernetes passes any 200–399`);
      }
      if (https && first.tlsverify) issues.push("Kubernetes does not verify the certificate");
      if (url.username !== "" || url.password !== "") {
        issues.push("credentials in the URL left out (httpGet has no user info)");
      }
      return { httpGet };
    }
    case "exec":
      return { exec: { command: [...first.argv] } };
  }
}

/** `ready` → readinessProbe + startupProbe; `log` is dropped. */
export function readyProbes(spec: ProgramSpec): ProbeRender {
  const ready = spec.ready;
  if (ready === null) return NONE;
  const check = ready.check;
  if (check.kind === "log") {
    return { fields: {}, dropped: "Kubernetes has no probe on log lines", approximate: [] };
  }
  const issues: string[] = [];
  const h = handler(check, spec.numprocs, issues);
  if (typeof h === "string") return { fields: {}, dropped: h, approximate: [] };
  const timing = {
    initialDelaySeconds: seconds(ready.initialdelay, 0, "initialdelay", issues),
    periodSeconds: seconds(ready.period, 1, "period", issues),
    timeoutSeconds: seconds(ready.timeout, 1, "timeout", issues),
  };
  const failureThreshold = Math.max(1, Math.ceil(ready.deadline / timing.periodSeconds));
  const covered = failureThreshold * timing.periodSeconds;
  if (covered !== ready.deadline) {
    issues.push(
      `deadline ${ready.deadline} s covered by ${failureThreshold} × ${timing.periodSeconds} s`,
    );
  }
  return {
    fields: {
      readinessProbe: { ...h, ...timing },
      startupProbe: { ...h, ...timing, failureThreshold },
    },
    dropped: null,
    approximate: issues,
  };
}

/** `health` → livenessProbe; `action: none` (report only) has no Kubernetes equivalent. */
export function healthProbe(spec: ProgramSpec): ProbeRender {
  const health = spec.health;
  if (health === null) return NONE;
  if (health.action === "none") {
    return {
      fields: {},
      dropped: "action none: a livenessProbe always restarts, so none is written",
      approximate: [],
    };
  }
  const issues: string[] = [];
  const h = handler(health.check, spec.numprocs, issues);
  if (typeof h === "string") return { fields: {}, dropped: h, approximate: [] };
  return {
    fields: {
      livenessProbe: {
        ...h,
        initialDelaySeconds: seconds(health.initialdelay, 0, "initialdelay", issues),
        periodSeconds: seconds(health.period, 1, "period", issues),
        timeoutSeconds: seconds(health.timeout, 1, "timeout", issues),
        failureThreshold: health.failures,
      },
    },
    dropped: null,
    approximate: issues,
  };
}
