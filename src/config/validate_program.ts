/**
 * One `programs.NAME` map → ProgramSpec, with every default applied and every path absolute.
 * Errors are reported to the context; the result is null when any field of this program failed.
 */
import { isScalar, isSeq } from "yaml";
import { resolveAgainst } from "../protocol/socket_path.ts";
import { parseAutorestart, parseCritical, parseSignal, parseUmask } from "./converters.ts";
import { foldIdentity, readGroup, readUser } from "./identity.ts";
import { MAX_LOGBACKUPS, PROGRAM_DEFAULTS, PROGRAM_KEYS } from "./key_table.ts";
import { type Ctx, deref, type Entry, got, isNullNode, offsetOf, readMap } from "./yaml_nodes.ts";
import type { OutputTarget, ProgramSpec } from "./types.ts";
import type { GroupEntry, UserEntry } from "./users.ts";
import { readEnvFiles } from "./validate_env_file.ts";
import { readHealth, readReady } from "./validate_checks.ts";
import { type DependencySite, readDependsOn } from "./validate_deps.ts";
import {
  readArgv,
  readBool,
  readInt,
  readSeconds,
  readString,
  scalarOf,
  writtenText,
} from "./entry_readers.ts";

/** Global identity parts that programs inherit unless they set their own. */
export interface GlobalIdentity {
  readonly user: UserEntry | null;
  readonly group: GroupEntry | null;
}

/**
 * Reads `cmd` (string or non-empty list) into argv with argv[0] resolved per docs/config.md "cmd".
 */
function readCmd(ctx: Ctx, e: Entry): string[] | undefined {
  const argv = readArgv(ctx, e);
  if (argv === undefined) return undefined;
  if (argv.length === 0 || argv[0] === "") {
    ctx.errors.at(e.offset, e.path, `must name a command ${got(ctx, e.value)}`);
    return undefined;
  }
  if (argv.some((a) => a.includes("\0"))) {
    ctx.errors.at(e.offset, e.path, "arguments must not contain NUL characters");
    return undefined;
  }
  const exe = argv[0] as string;
  if (exe.includes("/") && !exe.startsWith("/")) argv[0] = resolveAgainst(ctx.host.configDir, exe);
  return argv;
}

function readUmask(ctx: Ctx, e: Entry): number | undefined {
  const s = scalarOf(ctx, e, "an octal umask like 022");
  if (s === undefined) return undefined;
  // Read from the source text so `022` and `77` are octal, never YAML's decimal reading.
  const r = parseUmask(typeof s.value === "string" ? s.value : writtenText(ctx, s));
  if ("error" in r) {
    ctx.errors.at(e.offset, e.path, r.error);
    return undefined;
  }
  return r.ok;
}

function readExitcodes(ctx: Ctx, e: Entry): number[] | undefined {
  const items = isSeq(e.value) ? e.value.items.map((i) => deref(ctx, i)) : [e.value];
  if (items.length === 0) {
    ctx.errors.at(e.offset, e.path, "must be an integer from 0 to 255 or a non-empty list of them");
    return undefined;
  }
  const codes = new Set<number>();
  for (const n of items) {
    const v = isScalar(n) ? n.value : undefined;
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > 255) {
      ctx.errors.at(
        n ? offsetOf(n) : e.offset,
        e.path,
        `must be an integer from 0 to 255 or a list of them ${got(ctx, n)}`,
      );
      return undefined;
    }
    codes.add(v);
  }
  return [...codes].sort((a, b) => a - b);
}

function readOutput(ctx: Ctx, e: Entry | undefined): OutputTarget | undefined {
  if (e === undefined) return { kind: "memory" };
  const s = readString(ctx, e);
  if (s === undefined) return undefined;
  if (s === "none") return { kind: "none" };
  return { kind: "file", path: resolveAgainst(ctx.host.configDir, s) };
}

function readEnv(ctx: Ctx, e: Entry | undefined): Record<string, string> | undefined {
  // Entries, then Object.fromEntries: it defines own properties, so `__proto__` stays a key.
  const out: [string, string][] = [];
  if (e === undefined || isNullNode(e.value)) return {};
  const map = readMap(ctx, e.value, e.path, null, e.offset);
  if (map === null) return undefined;
  let ok = true;
  for (const [k, v] of map) {
    if (k === "" || k.includes("=") || k.includes("\0")) {
      ctx.errors.at(
        v.keyOffset,
        v.path,
        `invalid variable name ${JSON.stringify(k)} (no "=" or NUL)`,
      );
      ok = false;
      continue;
    }
    const n = v.value;
    if (
      !isScalar(n) || n.value === null || !["string", "number", "boolean"].includes(typeof n.value)
    ) {
      ctx.errors.at(v.offset, v.path, `must be a string, number or boolean ${got(ctx, n)}`);
      ok = false;
      continue;
    }
    const text = writtenText(ctx, n);
    if (/[\0\r\n]/.test(text)) {
      ctx.errors.at(v.offset, v.path, `must not contain NUL or line breaks ${got(ctx, n)}`);
      ok = false;
      continue;
    }
    out.push([k, text]);
  }
  return ok ? Object.fromEntries(out) : undefined;
}

/**
 * What the program adds to its children's environment: the env files' variables, then `env` over
 * them (docs/lifecycle.md "Environment of children"). Reload compares this result, so an env file
 * edit that changes no variable changes nothing.
 */
function programEnv(
  files: Record<string, string> | undefined,
  env: Record<string, string> | undefined,
): Record<string, string> | undefined {
  if (files === undefined || env === undefined) return undefined;
  return Object.fromEntries([...Object.entries(files), ...Object.entries(env)]);
}

/** Validates one program; null when any of its fields is invalid (errors already reported). */
export function readProgram(
  ctx: Ctx,
  name: string,
  entry: Entry,
  order: number,
  global: GlobalIdentity,
  depSites?: Map<string, DependencySite[]>,
): ProgramSpec | null {
  const before = ctx.errors.count;
  const m = readMap(ctx, entry.value, entry.path, PROGRAM_KEYS, entry.offset);
  if (m === null) return null;
  const get = (k: string) => m.get(k);
  const cmdEntry = get("cmd");
  if (cmdEntry === undefined) {
    ctx.errors.at(entry.keyOffset, entry.path, `missing required key "cmd"`);
  }
  const argv = cmdEntry ? readCmd(ctx, cmdEntry) : undefined;
  const D = PROGRAM_DEFAULTS;
  const opt = <T>(k: string, read: (e: Entry) => T | undefined, dflt: T): T | undefined => {
    const e = get(k);
    return e === undefined ? dflt : read(e);
  };
  const autorestartEntry = get("autorestart");
  let autorestart = parseAutorestart(D.autorestart);
  if (autorestartEntry !== undefined) {
    const v = isScalar(autorestartEntry.value) ? autorestartEntry.value.value : undefined;
    autorestart = parseAutorestart(v);
    if ("error" in autorestart) {
      ctx.errors.at(
        autorestartEntry.offset,
        autorestartEntry.path,
        `${autorestart.error} ${got(ctx, autorestartEntry.value)}`,
      );
    }
  }
  const signalEntry = get("stopsignal");
  let stopsignal = parseSignal(D.stopsignal);
  if (signalEntry !== undefined) {
    const s = isScalar(signalEntry.value) && typeof signalEntry.value.value === "string"
      ? signalEntry.value.value
      : null;
    stopsignal = s === null
      ? { error: `must be a signal name like TERM ${got(ctx, signalEntry.value)}` }
      : parseSignal(s);
    if ("error" in stopsignal) {
      ctx.errors.at(signalEntry.offset, signalEntry.path, stopsignal.error);
    }
  }
  const criticalEntry = get("critical");
  let critical = parseCritical(D.critical);
  if (criticalEntry !== undefined) {
    const v = isScalar(criticalEntry.value) ? criticalEntry.value.value : undefined;
    critical = parseCritical(v);
    if ("error" in critical) {
      ctx.errors.at(
        criticalEntry.offset,
        criticalEntry.path,
        `${critical.error} ${got(ctx, criticalEntry.value)}`,
      );
    }
  }
  const uidE = get("uid");
  const gidE = get("gid");
  const user = uidE ? readUser(ctx, uidE) : global.user;
  const group = gidE ? readGroup(ctx, gidE) : global.group;
  const starttime = opt("starttime", (e) => readSeconds(ctx, e), D.starttime);
  const dependsOn = readDependsOn(ctx, get("depends_on"));
  if (dependsOn !== undefined) depSites?.set(name, dependsOn.sites);
  const spec = {
    name,
    argv,
    numprocs: opt("numprocs", (e) => readInt(ctx, e, 1, 10000), D.numprocs),
    umask: opt<number | null>("umask", (e) => readUmask(ctx, e), null),
    workingdir: opt<string | null>(
      "workingdir",
      (e) => {
        const s = readString(ctx, e);
        return s === undefined ? undefined : resolveAgainst(ctx.host.configDir, s);
      },
      null,
    ),
    autostart: opt("autostart", (e) => readBool(ctx, e), D.autostart),
    autorestart: "ok" in autorestart ? autorestart.ok : undefined,
    exitcodes: opt("exitcodes", (e) => readExitcodes(ctx, e), [...D.exitcodes]),
    startretries: opt("startretries", (e) => readInt(ctx, e, 0), D.startretries),
    starttime,
    stopsignal: "ok" in stopsignal ? stopsignal.ok : undefined,
    stoptime: opt("stoptime", (e) => readSeconds(ctx, e), D.stoptime),
    stdout: readOutput(ctx, get("stdout")),
    stderr: readOutput(ctx, get("stderr")),
    logmaxbytes: opt("logmaxbytes", (e) => readInt(ctx, e, 0), D.logmaxbytes),
    logbackups: opt("logbackups", (e) => readInt(ctx, e, 0, MAX_LOGBACKUPS), D.logbackups),
    env: programEnv(readEnvFiles(ctx, get("env_file")), readEnv(ctx, get("env"))),
    identity: user === undefined || group === undefined
      ? undefined
      : foldIdentity(ctx, user, group),
    maxrestartdelay: opt("maxrestartdelay", (e) => readSeconds(ctx, e), D.maxrestartdelay),
    critical: "ok" in critical ? critical.ok : undefined,
    dependsOn: dependsOn?.deps,
    ready: readReady(ctx, get("ready"), starttime),
    health: readHealth(ctx, get("health")),
    order,
  };
  if (ctx.errors.count > before) return null;
  for (const v of Object.values(spec)) if (v === undefined) return null;
  return spec as ProgramSpec;
}
