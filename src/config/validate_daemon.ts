/**
 * The `taskmaster:` section → DaemonSpec (log, email, socket, http, smtp, alerts) and the
 * global identity programs inherit. Secrets given as `{ env: NAME }` are resolved here and
 * their variable names collected for `secretEnv`.
 */
import { isMap, isScalar, isSeq } from "yaml";
import {
  MAX_SOCKET_PATH_BYTES,
  resolveAgainst,
  resolveSocketPath,
} from "../protocol/socket_path.ts";
import { emailProblem, isLoopbackHost } from "./converters.ts";
import { readGroup, readUser } from "./identity.ts";
import {
  ALERT_KEYS,
  ALERT_NUMBERS,
  ALERT_SWITCHES,
  DAEMON_KEYS,
  DEFAULT_LOGBACKUPS,
  DEFAULT_LOGMAXBYTES,
  HTTP_DEFAULTS,
  HTTP_KEYS,
  MAX_LOGBACKUPS,
  SECRET_REF_KEYS,
  SMTP_DEFAULTS,
  SMTP_KEYS,
} from "./key_table.ts";
import type { GlobalIdentity } from "./validate_program.ts";
import { type Ctx, deref, type Entry, got, isNullNode, offsetOf, readMap } from "./yaml_nodes.ts";
import type { AlertsSpec, DaemonSpec, HttpSpec, SmtpSpec } from "./types.ts";
import { readBool, readInt, readSeconds, readString } from "./entry_readers.ts";
import { readStatefile } from "./statefile.ts";

/** `taskmaster:` resolved, plus the identity programs inherit. */
export interface DaemonSection {
  readonly daemon: DaemonSpec;
  readonly global: GlobalIdentity;
}

/** Where the secrets of a config came from: env variable names, and key paths written inline. */
interface SecretSources {
  readonly env: Set<string>;
  readonly literal: string[];
}

/** A string, or `{ env: NAME }` resolved from the daemon's environment (name recorded). */
function readSecret(ctx: Ctx, e: Entry, secrets: SecretSources): string | undefined {
  if (!isMap(e.value)) {
    const value = readString(ctx, e);
    if (value !== undefined) secrets.literal.push(e.path);
    return value;
  }
  const before = ctx.errors.count;
  const m = readMap(ctx, e.value, e.path, SECRET_REF_KEYS);
  const ref = m?.get("env");
  if (m === null || ref === undefined) {
    // Say what is expected, unless an unknown-key error already did.
    if (ctx.errors.count === before) {
      ctx.errors.at(e.offset, e.path, "must be a string or { env: NAME }");
    }
    return undefined;
  }
  const name = readString(ctx, ref);
  if (name === undefined) return undefined;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    ctx.errors.at(
      ref.offset,
      ref.path,
      `must be an environment variable name ${got(ctx, ref.value)}`,
    );
    return undefined;
  }
  const value = ctx.host.env(name);
  if (value === undefined || value === "") {
    ctx.errors.at(ref.offset, ref.path, `environment variable ${name} is not set`);
    return undefined;
  }
  secrets.env.add(name);
  return value;
}

function readEmail(ctx: Ctx, e: Entry | undefined): string[] {
  if (e === undefined || isNullNode(e.value)) return [];
  const items = isSeq(e.value) ? e.value.items.map((i) => deref(ctx, i)) : [e.value];
  const out: string[] = [];
  for (const n of items) {
    if (!isScalar(n) || typeof n.value !== "string") {
      ctx.errors.at(
        n ? offsetOf(n) : e.offset,
        e.path,
        `must be an e-mail address or a list of them ${got(ctx, n)}`,
      );
      continue;
    }
    const problem = emailProblem(n.value);
    if (problem !== null) ctx.errors.at(offsetOf(n), e.path, problem);
    else out.push(n.value);
  }
  return out;
}

function readHttp(ctx: Ctx, e: Entry | undefined, secrets: SecretSources): HttpSpec | null {
  if (e !== undefined && isScalar(e.value) && typeof e.value.value === "boolean") {
    return e.value.value ? { ...HTTP_DEFAULTS, token: null } : null;
  }
  const m = e === undefined
    ? new Map<string, Entry>()
    : readMap(ctx, e.value, e.path, HTTP_KEYS, e.offset);
  if (m === null) return null;
  const hostE = m.get("host");
  const portE = m.get("port");
  const tokenE = m.get("token");
  const host = hostE ? readString(ctx, hostE) ?? HTTP_DEFAULTS.host : HTTP_DEFAULTS.host;
  const port = portE ? readInt(ctx, portE, 0, 65535) ?? HTTP_DEFAULTS.port : HTTP_DEFAULTS.port;
  const token = tokenE ? readSecret(ctx, tokenE, secrets) ?? null : null;
  if (hostE && !isLoopbackHost(host) && tokenE === undefined) {
    ctx.errors.at(
      hostE.offset,
      hostE.path,
      `non-loopback address ${host} needs http.token (refusing an open control page)`,
    );
  }
  return { host, port, token };
}

function readSmtp(ctx: Ctx, e: Entry | undefined, secrets: SecretSources): SmtpSpec {
  const m = e === undefined || isNullNode(e.value)
    ? new Map<string, Entry>()
    : readMap(ctx, e.value, e.path, SMTP_KEYS, e.offset) ?? new Map<string, Entry>();
  const str = (k: string) => {
    const x = m.get(k);
    return x ? readString(ctx, x) ?? null : null;
  };
  const bool = (k: string, d: boolean) => {
    const x = m.get(k);
    return x ? readBool(ctx, x) ?? d : d;
  };
  const portE = m.get("port");
  const passE = m.get("password");
  const from = m.get("from");
  if (from) readEmail(ctx, from);
  return {
    host: str("host") ?? SMTP_DEFAULTS.host,
    port: portE ? readInt(ctx, portE, 1, 65535) ?? SMTP_DEFAULTS.port : SMTP_DEFAULTS.port,
    secure: bool("secure", SMTP_DEFAULTS.secure),
    user: str("user"),
    password: passE ? readSecret(ctx, passE, secrets) ?? null : null,
    from: str("from") ?? `taskmaster@${ctx.host.hostname}`,
    tlsverify: bool("tlsverify", SMTP_DEFAULTS.tlsverify),
  };
}

function readAlerts(ctx: Ctx, e: Entry | undefined): AlertsSpec {
  const m = e === undefined || isNullNode(e.value)
    ? new Map<string, Entry>()
    : readMap(ctx, e.value, e.path, ALERT_KEYS, e.offset) ?? new Map<string, Entry>();
  const out: Record<string, number | boolean> = {};
  for (const [key, field] of Object.entries(ALERT_SWITCHES)) {
    const x = m.get(key);
    out[field] = x ? readBool(ctx, x) ?? true : true;
  }
  for (const [key, [field, dflt, integer]] of Object.entries(ALERT_NUMBERS)) {
    const x = m.get(key);
    out[field] = x === undefined
      ? dflt
      : (integer ? readInt(ctx, x, 1) : readSeconds(ctx, x)) ?? dflt;
  }
  return out as unknown as AlertsSpec;
}

/** Validates the `taskmaster:` section (node may be null/absent: all defaults). */
export function readDaemonSection(
  ctx: Ctx,
  entry: Entry | undefined,
  configAbsPath: string,
): DaemonSection {
  const m = entry === undefined || isNullNode(entry.value)
    ? new Map<string, Entry>()
    : readMap(ctx, entry.value, entry.path, DAEMON_KEYS, entry.offset) ?? new Map<string, Entry>();
  const secrets: SecretSources = { env: new Set<string>(), literal: [] };
  const logfileE = m.get("logfile");
  const logfile = logfileE ? readString(ctx, logfileE) : undefined;
  const socketE = m.get("socket");
  const socketValue = socketE ? readString(ctx, socketE) : undefined;
  const socket = resolveSocketPath(socketValue, configAbsPath);
  const socketBytes = new TextEncoder().encode(socket).length;
  if (socketBytes > MAX_SOCKET_PATH_BYTES) {
    ctx.errors.at(
      socketE?.offset ?? 0,
      socketE?.path ?? "taskmaster.socket",
      `socket path ${socket} is ${socketBytes} bytes; the limit is ${MAX_SOCKET_PATH_BYTES} (move the config or set a shorter taskmaster.socket)`,
    );
  }
  const lmb = m.get("logmaxbytes");
  const lbk = m.get("logbackups");
  const uidE = m.get("uid");
  const gidE = m.get("gid");
  const daemon: DaemonSpec = {
    logfile: logfile === undefined ? null : resolveAgainst(ctx.host.configDir, logfile),
    logmaxbytes: lmb ? readInt(ctx, lmb, 0) ?? DEFAULT_LOGMAXBYTES : DEFAULT_LOGMAXBYTES,
    logbackups: lbk
      ? readInt(ctx, lbk, 0, MAX_LOGBACKUPS) ?? DEFAULT_LOGBACKUPS
      : DEFAULT_LOGBACKUPS,
    email: readEmail(ctx, m.get("email")),
    socket,
    http: readHttp(ctx, m.get("http"), secrets),
    smtp: readSmtp(ctx, m.get("smtp"), secrets),
    alerts: readAlerts(ctx, m.get("alerts")),
    secretEnv: [...secrets.env].sort(),
    literalSecrets: secrets.literal,
    statefile: readStatefile(ctx, m.get("statefile")),
  };
  const global: GlobalIdentity = {
    user: uidE ? readUser(ctx, uidE) ?? null : null,
    group: gidE ? readGroup(ctx, gidE) ?? null : null,
  };
  return { daemon, global };
}
