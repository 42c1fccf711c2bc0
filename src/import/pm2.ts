/**
 * PM2 ecosystem file (JSON, read as JSON5) → Draft (docs/import.md "PM2"). JavaScript
 * ecosystem files are never evaluated. `json5` is loaded by the caller and passed in, so the
 * daemon never loads it.
 */
import { NameMap } from "./names.ts";
import {
  type Block,
  type Draft,
  ImportError,
  newBlock,
  type Note,
  type Scalar,
  setField,
} from "./types.ts";

/** Host facts: the CPU count for `instances: max`. */
export interface Pm2Options {
  readonly cpus: number;
  /** `--env NAME`: `env_NAME` is applied on top of `env`. */
  readonly envName: string | null;
  /** Folder of the ecosystem file (the default working directory, as PM2 uses it). */
  readonly dir: string;
  /** Whether a user name exists here (a missing one gets a note); unchecked when absent. */
  readonly userExists?: (name: string) => boolean;
  /** Whether a group name exists here; unchecked when absent. */
  readonly groupExists?: (name: string) => boolean;
}

type App = Record<string, unknown>;

const INTERPRETERS: Record<string, string> = {
  js: "node",
  cjs: "node",
  mjs: "node",
  py: "python3",
  sh: "bash",
  rb: "ruby",
  php: "php",
  pl: "perl",
  coffee: "coffee",
};

const DROPPED: Record<string, string> = {
  watch: "no file watching; restart with taskmasterctl restart",
  ignore_watch: "no file watching",
  watch_options: "no file watching",
  cron_restart: "no scheduled restarts; use cron with taskmasterctl restart",
  max_memory_restart: "no memory limit restarts",
  log_date_format: "output is stored byte-exact, without timestamps",
  time: "output is stored byte-exact, without timestamps",
  merge_logs: "instances of a program share its files anyway",
  combine_logs: "instances of a program share its files anyway",
  log_file: "no combined log; stdout and stderr may name the same file",
  log: "no combined log; stdout and stderr may name the same file",
  pid_file: "no pid files",
  restart_delay: "restarts follow the crash-loop throttle (maxrestartdelay)",
  exp_backoff_restart_delay: "restarts follow the crash-loop throttle (maxrestartdelay)",
  listen_timeout: "no ready signal",
  wait_ready: "no ready signal",
  shutdown_with_message: "stops use signals",
  source_map_support: "node option",
  instance_var: "instances get TASKMASTER_PROCESS_NUM",
  increment_var: "no per-instance variable increments",
  vizion: "no version metadata",
  namespace: "no namespaces",
  force: "not needed",
};

const HANDLED = new Set([
  "name",
  "script",
  "args",
  "interpreter",
  "exec_interpreter",
  "interpreter_args",
  "node_args",
  "cwd",
  "instances",
  "exec_mode",
  "env",
  "autorestart",
  "autostart",
  "max_restarts",
  "min_uptime",
  "kill_timeout",
  "out_file",
  "output",
  "error_file",
  "error",
  "uid",
  "gid",
  "user",
  "stop_exit_codes",
]);

/** The apps of an ecosystem value: `{apps: […]}`, `{apps: {…}}`, a bare app or array. */
export function appsOf(doc: unknown, file: string): App[] {
  const apps = isObject(doc) && "apps" in doc ? doc.apps : doc;
  const list = Array.isArray(apps) ? apps : [apps];
  list.forEach((app, i) => {
    if (!isObject(app)) throw new ImportError(`${file}: apps[${i}]: an app must be an object`);
  });
  return list as App[];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Converts a parsed ecosystem document. Throws ImportError. */
export function importPm2(doc: unknown, file: string, opts: Pm2Options): Draft {
  const notes: Note[] = [];
  const draft: Draft = { kind: "pm2", file, daemon: newBlock("taskmaster"), programs: [], notes };
  const names = new NameMap();
  appsOf(doc, file).forEach((app, i) => draft.programs.push(convertApp(app, i, file, opts, names)));
  return draft;
}

function str(app: App, key: string, where: string): string | undefined {
  const v = app[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v === "string") return v;
  if (typeof v === "number") return String(v);
  throw new ImportError(`${where}.${key}: must be a string (got ${JSON.stringify(v)})`);
}

/** PM2 durations: milliseconds as a number, or a string with ms/s/m/h. → seconds. */
export function pm2Seconds(v: unknown, where: string): number {
  if (typeof v === "number" && v >= 0) return v / 1000;
  const m = typeof v === "string" ? /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(v) : null;
  if (m === null) {
    throw new ImportError(
      `${where}: must be milliseconds or a duration like "10s" (got ${JSON.stringify(v)})`,
    );
  }
  const unit = { ms: 0.001, s: 1, m: 60, h: 3600 }[(m[2] ?? "ms") as "ms"];
  return Number(m[1]) * unit;
}

function words(v: unknown, where: string): string[] {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v.map((w) => String(w));
  if (typeof v !== "string") throw new ImportError(`${where}: must be a string or a list`);
  // PM2 splits an args string on blanks, keeping quoted parts together.
  return [...v.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

function convertApp(
  app: App,
  i: number,
  file: string,
  opts: Pm2Options,
  names: NameMap,
): Block {
  const where = `${file}: apps[${i}]`;
  const script = str(app, "script", where);
  if (script === undefined || script === "") throw new ImportError(`${where}: script is required`);
  let source = str(app, "name", where);
  const own: Note[] = [];
  if (source === undefined) {
    source = script.split("/").pop()!.replace(/\.[^.]*$/, "") || `app${i}`;
    own.push({
      path: source,
      kind: "exact",
      message: `no name: named after its script, as PM2 does`,
    });
  }
  const block = newBlock(names.add(source, where, own));
  block.notes.push(...own);
  const p = (key: string) => `${source}.${key}`;

  const interpreter = str(app, "interpreter", where) ?? str(app, "exec_interpreter", where);
  const ext = /\.([A-Za-z0-9]+)$/.exec(script)?.[1] ?? "";
  const argv: string[] = [];
  const cmdNotes: Note[] = [];
  let runner = interpreter;
  if (runner === undefined && INTERPRETERS[ext] !== undefined) {
    runner = INTERPRETERS[ext];
    cmdNotes.push({
      path: p("script"),
      kind: "exact",
      message: `run with ${runner}, chosen from the .${ext} extension as PM2 does`,
    });
  }
  if (runner !== undefined && runner !== "none") {
    argv.push(runner, ...words(app.interpreter_args ?? app.node_args, `${where}.interpreter_args`));
  }
  argv.push(script, ...words(app.args, `${where}.args`));
  setField(block, "cmd", argv, ...cmdNotes);

  const cwd = str(app, "cwd", where);
  const cwdNotes: Note[] = cwd !== undefined && !cwd.startsWith("/")
    ? [{
      path: p("cwd"),
      kind: "approximate",
      message: `relative path ${cwd} kept: Taskmaster resolves it against the config's folder`,
    }]
    : [];
  setField(block, "workingdir", cwd ?? opts.dir, ...cwdNotes);

  if (app.instances !== undefined) {
    const raw = app.instances;
    const n = typeof raw === "number"
      ? raw
      : typeof raw === "string" && /^\s*-?\d+\s*$/.test(raw)
      ? Number(raw)
      : raw === "max"
      ? 0
      : NaN;
    if (!Number.isInteger(n) || n < -1) {
      throw new ImportError(
        `${where}.instances: must be a whole number, 0, -1 or "max" (got ${JSON.stringify(raw)})`,
      );
    }
    if (n <= 0) {
      setField(block, "numprocs", opts.cpus, {
        path: p("instances"),
        kind: "approximate",
        message: `${JSON.stringify(raw)} became this machine's CPU count, ${opts.cpus}`,
      });
    } else setField(block, "numprocs", n);
  }
  if (app.exec_mode !== undefined && String(app.exec_mode).includes("cluster")) {
    block.notes.push({
      path: p("exec_mode"),
      kind: "dropped",
      message: "no cluster mode: instances are separate processes, each needs its own port",
    });
  }

  const env = envOf(app, source, opts.envName, where, block);
  if (Object.keys(env).length > 0) setField(block, "env", env);

  const autorestart = app.autorestart ?? true;
  if (typeof autorestart !== "boolean") {
    throw new ImportError(`${where}.autorestart: must be true or false`);
  }
  const exitcodes = app.stop_exit_codes;
  if (exitcodes !== undefined && autorestart) {
    const list = (Array.isArray(exitcodes) ? exitcodes : [exitcodes]).map(Number);
    if (list.length === 0 || list.some((c) => !Number.isInteger(c) || c < 0 || c > 255)) {
      throw new ImportError(`${where}.stop_exit_codes: must be exit codes 0-255`);
    }
    setField(block, "autorestart", "unexpected");
    setField(block, "exitcodes", list);
  } else setField(block, "autorestart", autorestart);
  if (typeof app.autostart === "boolean") setField(block, "autostart", app.autostart);
  if (app.max_restarts !== undefined) {
    const n = Number(app.max_restarts);
    if (!Number.isInteger(n) || n < 0) {
      throw new ImportError(`${where}.max_restarts: must be a whole number ≥ 0`);
    }
    setField(block, "startretries", n, {
      path: p("max_restarts"),
      kind: "approximate",
      message: "PM2 counts unstable restarts; Taskmaster counts failed starts before FATAL",
    });
  }
  if (app.min_uptime !== undefined) {
    setField(block, "starttime", pm2Seconds(app.min_uptime, `${where}.min_uptime`));
  }
  setField(block, "stopsignal", "INT");
  if (app.kill_timeout !== undefined) {
    setField(block, "stoptime", pm2Seconds(app.kill_timeout, `${where}.kill_timeout`));
  }
  for (
    const [keys, target] of [[["out_file", "output"], "stdout"], [
      ["error_file", "error"],
      "stderr",
    ]] as const
  ) {
    const key = keys.find((k) => app[k] !== undefined);
    if (key === undefined) continue;
    const value = str(app, key, where)!;
    const rel: Note[] = value !== "/dev/null" && !value.startsWith("/")
      ? [{
        path: p(key),
        kind: "approximate",
        message: `relative path ${value} kept: Taskmaster resolves it against the config's folder`,
      }]
      : [];
    setField(block, target, value === "/dev/null" ? "none" : value, ...rel);
  }
  const uid = str(app, "uid", where) ?? str(app, "user", where);
  if (uid !== undefined) {
    const missing: Note[] =
      /^\d+$/.test(uid) || opts.userExists === undefined || opts.userExists(uid) ? [] : [{
        path: p("uid"),
        kind: "exact",
        message: `user ${uid} does not exist on this machine; -t fails until it does`,
      }];
    setField(block, "uid", uid, ...missing);
  }
  const gid = str(app, "gid", where);
  if (gid !== undefined) {
    const missing: Note[] =
      /^\d+$/.test(gid) || opts.groupExists === undefined || opts.groupExists(gid) ? [] : [{
        path: p("gid"),
        kind: "exact",
        message: `group ${gid} does not exist on this machine; -t fails until it does`,
      }];
    setField(block, "gid", gid, ...missing);
  }

  for (const key of Object.keys(app)) {
    if (HANDLED.has(key) || key.startsWith("env_")) continue;
    block.notes.push({ path: p(key), kind: "dropped", message: DROPPED[key] ?? "not supported" });
  }
  return block;
}

function envOf(
  app: App,
  source: string,
  envName: string | null,
  where: string,
  block: Block,
): Record<string, Scalar> {
  const out: Record<string, Scalar> = {};
  const take = (key: string) => {
    const v = app[key];
    if (v === undefined) return;
    if (!isObject(v)) throw new ImportError(`${where}.${key}: must be an object of variables`);
    for (const [k, value] of Object.entries(v)) {
      if (value === null || typeof value === "object") {
        throw new ImportError(`${where}.${key}.${k}: must be a string, number or boolean`);
      }
      if (/[\r\n\0]/.test(String(value))) {
        throw new ImportError(`${where}.${key}.${k}: a line break or NUL cannot be carried in env`);
      }
      out[k] = String(value);
    }
  };
  take("env");
  if (envName !== null) take(`env_${envName}`);
  for (const key of Object.keys(app)) {
    if (key.startsWith("env_") && key !== `env_${envName}`) {
      block.notes.push({
        path: `${source}.${key}`,
        kind: "dropped",
        message: `not applied (pick it with --env ${key.slice(4)})`,
      });
    }
  }
  return out;
}
