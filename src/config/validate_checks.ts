/**
 * `ready:` and `health:` of one program → ReadySpec / HealthSpec (docs/config.md "ready" and
 * "health"). Every bad form is reported at its own key; the result is undefined on any error.
 */
import { isMap, isScalar, isSeq } from "yaml";
import { logPatternProblem } from "./log_pattern.ts";
import { placeholderProblem } from "./check_placeholders.ts";
import {
  readArgv,
  readBool,
  readInt,
  readSeconds,
  scalarOf,
  writtenText,
} from "./entry_readers.ts";
import {
  HEALTH_ACTIONS,
  HEALTH_CHECK_KINDS,
  HEALTH_DEFAULTS,
  HEALTH_KEYS,
  HTTP_CHECK_KEYS,
  READY_CHECK_KINDS,
  READY_DEFAULTS,
  READY_KEYS,
} from "./key_table.ts";
import type { CheckTarget, HealthSpec, ReadySpec } from "./types.ts";
import { type Ctx, deref, type Entry, got, offsetOf, readMap } from "./yaml_nodes.ts";

/** A placeholder-only port (`{num+8000}`): its value is known per instance only. */
const PLACEHOLDER_PORT = /^\{num(?:\+\d+)?\}$/;

/** Reports `problem` (when not null) at the entry; true when there was none. */
function fine(ctx: Ctx, e: Entry, problem: string | null): boolean {
  if (problem !== null) ctx.errors.at(e.offset, e.path, problem);
  return problem === null;
}

function portProblem(port: string): string | null {
  if (PLACEHOLDER_PORT.test(port)) return null;
  const n = /^\d{1,5}$/.test(port) ? Number(port) : NaN;
  return n >= 1 && n <= 65535 ? null : `port must be from 1 to 65535 (got ${port})`;
}

/** `tcp:` PORT | "HOST:PORT" | "[::1]:PORT" (host 127.0.0.1 when only a port is written). */
function readTcp(ctx: Ctx, e: Entry): CheckTarget | undefined {
  const s = scalarOf(ctx, e, 'a port or "HOST:PORT"');
  if (s === undefined) return undefined;
  const text = writtenText(ctx, s).trim();
  if (!fine(ctx, e, placeholderProblem(text))) return undefined;
  let host = "127.0.0.1";
  let port = text;
  const bracketed = /^\[([^\]]+)\]:(.*)$/.exec(text);
  if (bracketed !== null) {
    host = bracketed[1]!;
    port = bracketed[2]!;
  } else if (text.includes(":")) {
    const at = text.lastIndexOf(":");
    host = text.slice(0, at);
    port = text.slice(at + 1);
    if (host.includes(":")) {
      ctx.errors.at(e.offset, e.path, `write an IPv6 host in brackets, like "[::1]:5432"`);
      return undefined;
    }
  }
  if (host === "" || /\s/.test(host)) {
    ctx.errors.at(e.offset, e.path, `must be PORT, "HOST:PORT" or "[::1]:PORT" ${got(ctx, s)}`);
    return undefined;
  }
  if (!fine(ctx, e, portProblem(port))) return undefined;
  return { kind: "tcp", host, port };
}

function urlProblem(url: string): string | null {
  const bad = placeholderProblem(url);
  if (bad !== null) return bad;
  try {
    const parsed = new URL(url.replace(/\{num(?:\+\d+)?\}/g, "0"));
    if (parsed.protocol === "http:" || parsed.protocol === "https:") return null;
  } catch {
    // Reported below with the same message as a wrong scheme.
  }
  return `must be an http:// or https:// URL (got ${JSON.stringify(url)})`;
}

function readStatusList(ctx: Ctx, e: Entry): number[] | undefined {
  const items = isSeq(e.value) ? e.value.items.map((i) => deref(ctx, i)) : [e.value];
  const codes: number[] = [];
  for (const n of items) {
    const v = isScalar(n) ? n.value : undefined;
    if (typeof v !== "number" || !Number.isInteger(v) || v < 100 || v > 599) {
      ctx.errors.at(
        n ? offsetOf(n) : e.offset,
        e.path,
        `must be an HTTP status from 100 to 599 or a list of them ${got(ctx, n)}`,
      );
      return undefined;
    }
    codes.push(v);
  }
  if (codes.length === 0) {
    ctx.errors.at(e.offset, e.path, "must list at least one HTTP status");
    return undefined;
  }
  return [...new Set(codes)].sort((a, b) => a - b);
}

/** `http:` URL string or `{url, status, tlsverify}`. */
function readHttp(ctx: Ctx, e: Entry): CheckTarget | undefined {
  if (!isMap(e.value)) {
    const s = scalarOf(ctx, e, "a URL or a map with url, status and tlsverify");
    if (s === undefined) return undefined;
    const url = writtenText(ctx, s);
    if (!fine(ctx, e, urlProblem(url))) return undefined;
    return { kind: "http", url, status: null, tlsverify: true };
  }
  const m = readMap(ctx, e.value, e.path, HTTP_CHECK_KEYS, e.offset);
  if (m === null) return undefined;
  const urlEntry = m.get("url");
  if (urlEntry === undefined) {
    ctx.errors.at(e.offset, e.path, `missing required key "url"`);
    return undefined;
  }
  const s = scalarOf(ctx, urlEntry, "a URL");
  const url = s === undefined ? undefined : writtenText(ctx, s);
  const urlOk = url !== undefined && fine(ctx, urlEntry, urlProblem(url));
  const statusEntry = m.get("status");
  const status = statusEntry === undefined ? null : readStatusList(ctx, statusEntry);
  const tlsEntry = m.get("tlsverify");
  const tlsverify = tlsEntry === undefined ? true : readBool(ctx, tlsEntry);
  if (!urlOk || status === undefined || tlsverify === undefined) return undefined;
  return { kind: "http", url: url!, status, tlsverify };
}

/** `exec:` a command line (split like `cmd`) or a list of arguments. */
function readExec(ctx: Ctx, e: Entry): CheckTarget | undefined {
  const argv = readArgv(ctx, e);
  if (argv === undefined) return undefined;
  if (argv.length === 0 || argv[0] === "" || argv.some((a) => a.includes("\0"))) {
    ctx.errors.at(e.offset, e.path, `must name a command ${got(ctx, e.value)}`);
    return undefined;
  }
  for (const arg of argv) if (!fine(ctx, e, placeholderProblem(arg))) return undefined;
  return { kind: "exec", argv };
}

/** `log:` a JavaScript regular expression, matched against each complete output line. */
function readLog(ctx: Ctx, e: Entry): CheckTarget | undefined {
  const s = scalarOf(ctx, e, "a regular expression");
  if (s === undefined) return undefined;
  const pattern = writtenText(ctx, s);
  if (pattern === "") {
    ctx.errors.at(e.offset, e.path, "must not be empty");
    return undefined;
  }
  return fine(ctx, e, logPatternProblem(pattern)) ? { kind: "log", pattern } : undefined;
}

const CHECK_READERS = { tcp: readTcp, http: readHttp, exec: readExec, log: readLog } as const;

/** The one check kind written in `m`, read; reports zero or several kinds. */
function readCheck(
  ctx: Ctx,
  section: Entry,
  m: Map<string, Entry>,
  kinds: readonly (keyof typeof CHECK_READERS)[],
): CheckTarget | undefined {
  const written = kinds.filter((k) => m.has(k));
  const list = kinds.length === 4 ? "tcp, http, exec or log" : "tcp, http or exec";
  if (written.length === 0) {
    ctx.errors.at(section.offset, section.path, `needs exactly one check: ${list}`);
    return undefined;
  }
  if (written.length > 1) {
    ctx.errors.at(
      m.get(written[1]!)!.keyOffset,
      section.path,
      `needs exactly one check (${list}), not both ${written[0]} and ${written[1]}`,
    );
    return undefined;
  }
  const kind = written[0]!;
  return CHECK_READERS[kind](ctx, m.get(kind)!);
}

/** Seconds > 0 (periods and timeouts: 0 would probe in a busy loop). */
function readPositiveSeconds(ctx: Ctx, e: Entry): number | undefined {
  const v = readSeconds(ctx, e);
  if (v === 0) {
    ctx.errors.at(e.offset, e.path, "must be a number of seconds > 0 (got 0)");
    return undefined;
  }
  return v;
}

/**
 * `ready:` → ReadySpec, null when absent. `starttime` is the program's: the deadline defaults to
 * max(60, starttime), and a written deadline below it is an error.
 */
export function readReady(
  ctx: Ctx,
  e: Entry | undefined,
  starttime: number | undefined,
): ReadySpec | null | undefined {
  if (e === undefined) return null;
  const m = readMap(ctx, e.value, e.path, READY_KEYS, e.offset);
  if (m === null) return undefined;
  const check = readCheck(ctx, e, m, READY_CHECK_KINDS);
  const D = READY_DEFAULTS;
  const num = (k: string, read: (x: Entry) => number | undefined, d: number) => {
    const x = m.get(k);
    return x === undefined ? d : read(x);
  };
  const period = num("period", (x) => readPositiveSeconds(ctx, x), D.period);
  const timeout = num("timeout", (x) => readPositiveSeconds(ctx, x), D.timeout);
  const initialdelay = num("initialdelay", (x) => readSeconds(ctx, x), D.initialdelay);
  const deadlineEntry = m.get("deadline");
  let deadline = Math.max(D.deadline, starttime ?? 0);
  if (deadlineEntry !== undefined) {
    const v = readSeconds(ctx, deadlineEntry);
    if (v !== undefined && starttime !== undefined && v < starttime) {
      ctx.errors.at(
        deadlineEntry.offset,
        deadlineEntry.path,
        `must be ≥ starttime (${starttime}) ${got(ctx, deadlineEntry.value)}`,
      );
      return undefined;
    }
    if (v === undefined) return undefined;
    deadline = v;
  }
  if (
    check === undefined || period === undefined || timeout === undefined ||
    initialdelay === undefined
  ) return undefined;
  return { check, period, timeout, initialdelay, deadline };
}

/** `health:` → HealthSpec, null when absent. */
export function readHealth(ctx: Ctx, e: Entry | undefined): HealthSpec | null | undefined {
  if (e === undefined) return null;
  const m = readMap(ctx, e.value, e.path, HEALTH_KEYS, e.offset);
  if (m === null) return undefined;
  const check = readCheck(ctx, e, m, HEALTH_CHECK_KINDS);
  const D = HEALTH_DEFAULTS;
  const num = (k: string, read: (x: Entry) => number | undefined, d: number) => {
    const x = m.get(k);
    return x === undefined ? d : read(x);
  };
  const period = num("period", (x) => readPositiveSeconds(ctx, x), D.period);
  const timeout = num("timeout", (x) => readPositiveSeconds(ctx, x), D.timeout);
  const failures = num("failures", (x) => readInt(ctx, x, 1), D.failures);
  const initialdelay = num("initialdelay", (x) => readSeconds(ctx, x), D.initialdelay);
  let action: HealthSpec["action"] | undefined = D.action;
  const actionEntry = m.get("action");
  if (actionEntry !== undefined) {
    const v = isScalar(actionEntry.value) ? actionEntry.value.value : undefined;
    action = HEALTH_ACTIONS.find((a) => a === v);
    if (action === undefined) {
      ctx.errors.at(
        actionEntry.offset,
        actionEntry.path,
        `must be restart or none ${got(ctx, actionEntry.value)}`,
      );
    }
  }
  if (
    check === undefined || check.kind === "log" || period === undefined ||
    timeout === undefined || failures === undefined || initialdelay === undefined ||
    action === undefined
  ) return undefined;
  return { check, period, timeout, failures, initialdelay, action };
}
