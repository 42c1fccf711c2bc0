/**
 * One supervisord `[program:x]` section → Taskmaster program block(s) (docs/import.md
 * "supervisord programs"). Settings are expanded per instance (`%(process_num)d` and friends);
 * when every instance comes out the same the result is one program with `numprocs`, otherwise
 * one program per instance, named by its expanded `process_name`.
 */
import { folderOf } from "./paths.ts";
import type { Opt, Section } from "./ini_files.ts";
import { expandFormat, type ExpansionLayer, type Expansions } from "./py_format.ts";
import { parseEnvironment } from "./sv_environment.ts";
import {
  type Parsed,
  svAutorestart,
  svBoolean,
  svByteSize,
  svExitcodes,
  svInteger,
  svOctal,
  svSignal,
} from "./sv_values.ts";
import { type Block, ImportError, newBlock, type Note, setField, type Value } from "./types.ts";
import type { NameMap } from "./names.ts";
import { logTarget, STOP_SIGNALS_OK } from "./sv_logs.ts";
import { commandValue } from "./sv_command.ts";

/** What a program conversion needs from the rest of the file and the host. */
export interface ProgramContext {
  /** `ENV_X` names from the importer's environment and `[supervisord] environment`. */
  readonly baseEnv: Readonly<Record<string, string>>;
  /** `[supervisord] environment`, merged under every program's own. */
  readonly daemonEnv: ReadonlyMap<string, string>;
  /** `[supervisord] umask` when written. */
  readonly daemonUmask: number | null;
  readonly hostname: string;
  readonly userExists: (name: string) => boolean;
  readonly names: NameMap;
  /** Every `ENV_` name expanded anywhere. */
  readonly usedEnv: Set<string>;
}

/** Keys read here; anything else in a program section is dropped with a note. */
const DROPPED: Record<string, string> = {
  priority:
    "no start order is implied (depends_on is not derived from it); programs start in parallel",
  serverurl: "children talk to taskmasterd through taskmasterctl, not an XML-RPC URL",
  stdout_capture_maxbytes: "no process communication events",
  stderr_capture_maxbytes: "no process communication events",
  stdout_events_enabled: "no output events",
  stderr_events_enabled: "no output events",
  stdout_syslog: "no syslog output",
  stderr_syslog: "no syslog output",
};

const KNOWN = new Set([
  "command",
  "process_name",
  "numprocs",
  "numprocs_start",
  "directory",
  "umask",
  "autostart",
  "autorestart",
  "exitcodes",
  "startsecs",
  "startretries",
  "stopsignal",
  "stopwaitsecs",
  "stopasgroup",
  "killasgroup",
  "user",
  "environment",
  "redirect_stderr",
  "stdout_logfile",
  "stderr_logfile",
  "stdout_logfile_maxbytes",
  "stderr_logfile_maxbytes",
  "stdout_logfile_backups",
  "stderr_logfile_backups",
]);

function where(opt: { file: string; line: number }): string {
  return `${opt.file}:${opt.line}`;
}

/** Converts `section` (named `program:NAME`). */
export function convertProgram(section: Section, ctx: ProgramContext): Block[] {
  const source = section.name.slice("program:".length);
  const opts = section.options;
  const notes: Note[] = [];
  const path = (key: string) => `${source}.${key}`;
  const sectionWhere = `${section.file}:${section.line}`;
  if (!opts.has("command")) {
    throw new ImportError(
      `${sectionWhere}: [${section.name}] has no command= (supervisord requires one)`,
    );
  }
  const common = { program_name: source, group_name: source, host_node_name: ctx.hostname };
  const fixed = (key: string, names: Expansions): string | undefined => {
    const opt = opts.get(key);
    if (opt === undefined) return undefined;
    return expandFormat(
      opt.value,
      [...layersOf(names), { here: folderOf(opt.file) }],
      `${section.name}.${key}`,
      where(opt),
      ctx.usedEnv,
    );
  };
  const typed = <T>(
    key: string,
    value: string | undefined,
    parse: (t: string) => Parsed<T>,
  ): T | undefined => {
    if (value === undefined) return undefined;
    const r = parse(value);
    if ("error" in r) throw new ImportError(`${where(opts.get(key)!)}: ${key}: ${r.error}`);
    return r.ok;
  };
  const baseNames = [ctx.baseEnv, common, { process_num: 0, numprocs: 1 }];
  const numprocs = typed("numprocs", fixed("numprocs", baseNames), svInteger) ?? 1;
  const start = typed("numprocs_start", fixed("numprocs_start", baseNames), svInteger) ?? 0;
  if (numprocs < 1 || numprocs > 10000) {
    throw new ImportError(
      `${where(opts.get("numprocs")!)}: numprocs: must be from 1 to 10000 (got ${numprocs})`,
    );
  }
  const processName = opts.get("process_name");
  if (numprocs > 1 && processName !== undefined && !processName.value.includes("%(process_num)")) {
    throw new ImportError(
      `${
        where(processName)
      }: process_name: %(process_num) must be present within process_name when numprocs > 1 (supervisord refuses it too)`,
    );
  }

  for (const key of opts.keys()) {
    if (key in DROPPED) notes.push({ path: path(key), kind: "dropped", message: DROPPED[key]! });
    else if (!KNOWN.has(key)) {
      notes.push({
        path: path(key),
        kind: "dropped",
        message: "not a supervisord 4 program key either",
      });
    }
  }
  for (const key of ["stopasgroup", "killasgroup"]) {
    const v = typed(key, fixed(key, baseNames), svBoolean);
    if (v === false) {
      notes.push({
        path: path(key),
        kind: "approximate",
        message: "Taskmaster always signals the whole process group",
      });
    }
  }

  const instances: { name: string; fields: [string, Value, Note[]][] }[] = [];
  for (let n = start; n < start + numprocs; n++) {
    const names = [...baseNames, { process_num: n, numprocs }];
    const program = new Map(ctx.daemonEnv);
    const envText = fixed("environment", names);
    const envOpt = opts.get("environment");
    if (envText !== undefined && envOpt !== undefined) {
      for (const [k, v] of parseEnvironment(envText, where(envOpt))) program.set(k, v);
    }
    // `%(ENV_X)s` also sees [supervisord] environment and the program's own environment.
    const envNames: Record<string, string> = {};
    for (const [k, v] of program) envNames[`ENV_${k}`] = v;
    const all = [...names, envNames];
    const fields: [string, Value, Note[]][] = [];
    const put = (key: string, value: Value | undefined, ...n: Note[]) => {
      if (value !== undefined) fields.push([key, value, n]);
    };
    const command = fixed("command", all)!;
    const cmdNotes: Note[] = [];
    const first = command.trim().split(/\s+/)[0] ?? "";
    if (first.includes("/") && !first.startsWith("/")) {
      cmdNotes.push({
        path: path("command"),
        kind: "approximate",
        message:
          `relative ${first} now resolves against the config's folder, not supervisord's working directory`,
      });
    }
    put("cmd", commandValue(command, where(opts.get("command")!)), ...cmdNotes);
    const dir = fixed("directory", all);
    put("workingdir", dir, ...relNote(path("directory"), dir));
    const umask = typed("umask", fixed("umask", all), svOctal) ?? ctx.daemonUmask ?? undefined;
    if (umask !== undefined) {
      if (umask > 0o777) throw new ImportError(`${where(opts.get("umask")!)}: umask: at most 777`);
      put("umask", umask.toString(8).padStart(3, "0"));
    }
    put("autostart", typed("autostart", fixed("autostart", all), svBoolean));
    put("autorestart", typed("autorestart", fixed("autorestart", all), svAutorestart));
    put("exitcodes", typed("exitcodes", fixed("exitcodes", all), svExitcodes));
    put("starttime", typed("startsecs", fixed("startsecs", all), nonNegative));
    put("startretries", typed("startretries", fixed("startretries", all), nonNegative));
    const signal = typed("stopsignal", fixed("stopsignal", all), svSignal);
    if (signal !== undefined && !STOP_SIGNALS_OK.includes(signal)) {
      notes.push({
        path: path("stopsignal"),
        kind: "dropped",
        message: `SIG${signal} is not a Taskmaster stop signal; TERM is used`,
      });
    } else put("stopsignal", signal);
    put("stoptime", typed("stopwaitsecs", fixed("stopwaitsecs", all), nonNegative));
    const user = fixed("user", all);
    if (user !== undefined && !/^\d+$/.test(user) && !ctx.userExists(user)) {
      put("uid", user, {
        path: path("user"),
        kind: "exact",
        message: `user ${user} does not exist on this machine; -t fails until it does`,
      });
    } else put("uid", user);
    if (program.size > 0) put("env", Object.fromEntries(program));
    for (const [key, value, n] of logFields(opts, all, fixed, typed, path)) put(key, value, ...n);
    instances.push({
      name: expandFormat(
        processName?.value ?? "%(program_name)s_%(process_num)02d",
        all,
        `${section.name}.process_name`,
        processName ? where(processName) : sectionWhere,
      ),
      fields,
    });
  }

  const same = instances.every((i) =>
    JSON.stringify(i.fields) === JSON.stringify(instances[0]!.fields)
  );
  const blocks: Block[] = [];
  if (same) {
    const block = newBlock(ctx.names.add(source, sectionWhere, notes));
    block.notes.push(...notes);
    const fields = instances[0]!.fields;
    setField(block, "cmd", fields[0]![1], ...fields[0]![2]);
    const shown = instances.map((x) => x.name);
    if (numprocs > 1) {
      setField(block, "numprocs", numprocs, {
        path: path("process_name"),
        kind: "approximate",
        message: `instances are named ${block.name}:0…${block.name}:${numprocs - 1} ` +
          `(supervisord: ${shown.slice(0, 2).join(", ")}${numprocs > 2 ? ", …" : ""}); ` +
          "$TASKMASTER_PROCESS_NUM counts from 0",
      });
    } else if (shown[0] !== source && processName !== undefined) {
      block.notes.push({
        path: path("process_name"),
        kind: "approximate",
        message: `the process is named ${block.name} (supervisord: ${shown[0]})`,
      });
    }
    for (const [key, value, n] of fields.slice(1)) apply(block, key, value, n);
    blocks.push(block);
  } else {
    for (const instance of instances) {
      const block = newBlock(ctx.names.add(instance.name, sectionWhere, notes));
      block.notes.push({
        path: source,
        kind: "approximate",
        message:
          `instance ${instance.name} of [${section.name}] (settings differ per instance, so each is its own program)`,
      });
      if (blocks.length === 0) block.notes.push(...notes);
      for (const [key, value, n] of instance.fields) {
        apply(block, key, value, blocks.length === 0 ? n : []);
      }
      blocks.push(block);
    }
  }
  return blocks;
}

function layersOf(names: Expansions): readonly ExpansionLayer[] {
  return Array.isArray(names) ? names : [names as ExpansionLayer];
}

function nonNegative(text: string): Parsed<number> {
  const r = svInteger(text);
  return "ok" in r && r.ok < 0 ? { error: `must not be negative (got ${r.ok})` } : r;
}

/** Adds one converted field; a `#` entry carries notes about a value left unset. */
function apply(block: Block, key: string, value: Value, notes: Note[]): void {
  if (key === "#") block.notes.push(...notes);
  else setField(block, key, value, ...notes);
}

/** A note for a relative path, which resolves against another folder in Taskmaster. */
export function relNote(path: string, value: string | undefined): Note[] {
  if (value === undefined || value.startsWith("/")) return [];
  return [{
    path,
    kind: "approximate",
    message:
      `relative path ${value} kept: Taskmaster resolves it against the config's folder, supervisord against its own working directory`,
  }];
}

function logFields(
  opts: Map<string, Opt>,
  names: Expansions,
  fixed: (key: string, names: Expansions) => string | undefined,
  typed: <T>(
    key: string,
    value: string | undefined,
    parse: (t: string) => Parsed<T>,
  ) => T | undefined,
  path: (key: string) => string,
): [string, Value, Note[]][] {
  const out: [string, Value, Note[]][] = [];
  const redirect = typed("redirect_stderr", fixed("redirect_stderr", names), svBoolean) ?? false;
  const stdout = logTarget(fixed("stdout_logfile", names), path("stdout_logfile"));
  if (stdout.value !== undefined) out.push(["stdout", stdout.value, stdout.notes]);
  else if (stdout.notes.length > 0) out.push(["#", "", stdout.notes]);
  if (redirect) {
    const n: Note[] = [];
    if (opts.has("stderr_logfile")) {
      n.push({
        path: path("stderr_logfile"),
        kind: "dropped",
        message: "ignored with redirect_stderr=true (as supervisord does)",
      });
    }
    if (stdout.value !== undefined) out.push(["stderr", stdout.value, n]);
    else {
      n.push({
        path: path("redirect_stderr"),
        kind: "approximate",
        message: "stderr is kept in memory apart from stdout (no shared file to merge into)",
      });
      out.push(["#", "", n]);
    }
  } else {
    const stderr = logTarget(fixed("stderr_logfile", names), path("stderr_logfile"));
    if (stderr.value !== undefined) out.push(["stderr", stderr.value, stderr.notes]);
    else if (stderr.notes.length > 0) out.push(["#", "", stderr.notes]);
  }
  for (
    const [suffix, key, parse] of [["maxbytes", "logmaxbytes", svByteSize], [
      "backups",
      "logbackups",
      svInteger,
    ]] as const
  ) {
    const a = typed(`stdout_logfile_${suffix}`, fixed(`stdout_logfile_${suffix}`, names), parse);
    const b = redirect
      ? undefined
      : typed(`stderr_logfile_${suffix}`, fixed(`stderr_logfile_${suffix}`, names), parse);
    const value = a ?? b;
    if (value === undefined) continue;
    if (value < 0) {
      throw new ImportError(
        `${
          where(opts.get(`stdout_logfile_${suffix}`) ?? opts.get(`stderr_logfile_${suffix}`)!)
        }: must not be negative`,
      );
    }
    const n: Note[] = a !== undefined && b !== undefined && a !== b
      ? [{
        path: path(`stderr_logfile_${suffix}`),
        kind: "approximate",
        message: `one ${key} for both streams: stdout's ${a} is used`,
      }]
      : [];
    out.push([key, key === "logbackups" ? Math.min(value, 1000) : value, n]);
  }
  return out;
}
