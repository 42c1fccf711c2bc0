/**
 * Config → systemd units (docs/export.md "systemd"): `APP.target` plus one unit per program, a
 * template `APP-PROG@.service` when numprocs > 1. Only settings systemd 240 knows are written
 * (tests/unit/export_systemd_keys_test.ts keeps a deny-list of newer ones).
 */
import type { Config, OutputTarget, ProgramSpec } from "../config/types.ts";
import { EXPORT_FILE_MODE, type ExportFile } from "../protocol/export.ts";
import { type DesiredStates, wantsStarted } from "./desired.ts";
import type { NoteSink } from "./notes.ts";
import {
  environmentLine,
  envNameOk,
  escapeSpecifiers,
  execWord,
  unitValueProblem,
} from "./systemd_escape.ts";

/** What the systemd renderer needs besides the config. */
export interface SystemdContext {
  readonly app: string;
  readonly header: string;
  readonly desired: DesiredStates | undefined;
  /** Absolute path of a bare command name (PATH at export time), or null when not found. */
  readonly resolveExe: (name: string) => string | null;
  readonly notes: NoteSink;
}

/** User names systemd refuses to run a service as without a warning. */
const NOBODY = new Set(["nobody", "nfsnobody"]);

/** Signals systemd restarts after under `Restart=on-failure` only when told to. */
const CLEAN_SIGNALS = "SIGHUP SIGINT SIGTERM SIGPIPE";

/** The unit files of `config`, sorted by name, the target last written but sorted in place. */
export function renderSystemd(config: Config, ctx: SystemdContext): ExportFile[] {
  const files: ExportFile[] = [];
  const wants: string[] = [];
  const units = new Map<string, string[]>();
  for (const spec of config.programs) {
    if (execStart(spec, ctx) !== null) units.set(spec.name, instanceUnits(spec, ctx.app));
  }
  const oneshot = new Set(
    config.programs.flatMap((p) =>
      p.dependsOn.filter((d) => d.condition === "completed").map((d) => d.name)
    ),
  );
  for (const spec of config.programs) {
    const unit = renderProgram(config, spec, { ...ctx, units, oneshot });
    if (unit === null) continue;
    files.push({ path: unit.name, mode: EXPORT_FILE_MODE, content: unit.content });
    for (let i = 0; i < spec.numprocs; i++) {
      if (!wantsStarted(spec, i, ctx.desired)) continue;
      wants.push(spec.numprocs === 1 ? unit.name : unit.name.replace("@.", `@${i}.`));
    }
  }
  const target = [
    ctx.header,
    "[Unit]",
    `Description=taskmaster app ${ctx.app}`,
    ...wants.sort().map((w) => `Wants=${w}`),
    "",
    "[Install]",
    "WantedBy=multi-user.target",
    "",
  ].join("\n");
  files.push({ path: `${ctx.app}.target`, mode: EXPORT_FILE_MODE, content: target });
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The unit names of every process of `spec`: its unit, or the template's instances. */
function instanceUnits(spec: ProgramSpec, app: string): string[] {
  if (spec.numprocs === 1) return [`${app}-${spec.name}.service`];
  return Array.from({ length: spec.numprocs }, (_, i) => `${app}-${spec.name}@${i}.service`);
}

/** What rendering one program needs to know of the others. */
interface ProgramContext extends SystemdContext {
  /** Program name → the units of its processes, for every program that gets a unit. */
  readonly units: ReadonlyMap<string, readonly string[]>;
  /** Programs some other program depends on with `completed`: Type=oneshot. */
  readonly oneshot: ReadonlySet<string>;
}

/**
 * `depends_on` as Requires= + After= on every unit of each dependency (a numprocs > 1
 * dependency: each instance of its template, since every instance must be up or done).
 */
function dependencies(spec: ProgramSpec, ctx: ProgramContext): string[] {
  const lines: string[] = [];
  for (const dep of spec.dependsOn) {
    const units = ctx.units.get(dep.name);
    if (units === undefined) {
      ctx.notes.add(`${spec.name}.depends_on`, "dropped", `${dep.name} has no unit: edge left out`);
      continue;
    }
    const list = units.map(escapeSpecifiers).join(" ");
    lines.push(`Requires=${list}`, `After=${list}`);
  }
  return lines;
}

function renderProgram(
  config: Config,
  spec: ProgramSpec,
  ctx: ProgramContext,
): { name: string; content: string } | null {
  const template = spec.numprocs > 1;
  const name = `${ctx.app}-${spec.name}${template ? "@" : ""}.service`;
  const exec = execStart(spec, ctx);
  if (exec === null) return null;
  const oneshot = ctx.oneshot.has(spec.name);
  const lines = [
    ctx.header,
    "[Unit]",
    `Description=taskmaster ${ctx.app}: ${spec.name}${template ? " instance %i" : ""}`,
    `PartOf=${ctx.app}.target`,
    ...dependencies(spec, ctx),
    ...startLimit(spec),
    "",
    "[Service]",
    ...(oneshot ? ["Type=oneshot", "RemainAfterExit=yes"] : ["Type=exec"]),
    `ExecStart=${exec}`,
    ...(oneshot ? oneshotRestart(spec) : restart(spec)),
    `KillMode=control-group`,
    `KillSignal=${spec.stopsignal}`,
    `TimeoutStopSec=${stopTimeout(spec.stoptime)}`,
    ...(spec.umask === null ? [] : [`UMask=${spec.umask.toString(8).padStart(4, "0")}`]),
    ...pathSetting(
      spec,
      "workingdir",
      "WorkingDirectory=",
      spec.workingdir ?? dirOf(config.path),
      ctx,
    ),
    ...identity(spec),
    ...environment(spec, ctx),
    "StandardInput=null",
    ...output(spec, "stdout", "StandardOutput=", spec.stdout, ctx),
    ...output(spec, "stderr", "StandardError=", spec.stderr, ctx),
    "",
  ];
  return { name, content: lines.join("\n") };
}

function dirOf(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash <= 0 ? "/" : path.slice(0, slash);
}

function execStart(spec: ProgramSpec, ctx: SystemdContext): string | null {
  const argv = [...spec.argv];
  if (!argv[0]!.startsWith("/")) {
    const found = ctx.resolveExe(argv[0]!);
    if (found !== null) argv[0] = found;
    else {
      ctx.notes.add(
        `${spec.name}.cmd`,
        "approximate",
        `${argv[0]} is not on PATH here; systemd will search its own fixed PATH`,
      );
    }
  }
  for (const [i, word] of argv.entries()) {
    const problem = unitValueProblem(word, true);
    if (problem !== null) {
      ctx.notes.add(`${spec.name}.cmd`, "dropped", `argument ${i} ${problem}; no unit written`);
      return null;
    }
  }
  return argv.map((w, i) => execWord(w, i === 0)).join(" ");
}

function startLimit(spec: ProgramSpec): string[] {
  // startretries failed starts in a row end FATAL: allow the first start plus the retries
  // within the time they take (each at least starttime, plus RestartSec=1).
  const burst = spec.startretries + 1;
  const interval = Math.ceil(burst * (spec.starttime + 1));
  return [`StartLimitBurst=${burst}`, `StartLimitIntervalSec=${interval}s`];
}

function restart(spec: ProgramSpec): string[] {
  const delay = `RestartSec=${spec.maxrestartdelay === 0 ? "0" : "1"}`;
  if (spec.autorestart === "always") return ["Restart=always", delay];
  if (spec.autorestart === "never") return ["Restart=no"];
  const success = spec.exitcodes.filter((c) => c !== 0);
  const force = spec.exitcodes.includes(0) ? CLEAN_SIGNALS : `0 ${CLEAN_SIGNALS}`;
  return [
    "Restart=on-failure",
    delay,
    ...(success.length > 0 ? [`SuccessExitStatus=${success.join(" ")}`] : []),
    `RestartForceExitStatus=${force}`,
  ];
}

/**
 * A `completed` dependency: systemd 240 refuses Restart= other than `no` on a oneshot service;
 * codes in `exitcodes` other than 0 still count as success (so dependents start).
 */
function oneshotRestart(spec: ProgramSpec): string[] {
  const success = spec.exitcodes.filter((c) => c !== 0);
  return ["Restart=no", ...(success.length > 0 ? [`SuccessExitStatus=${success.join(" ")}`] : [])];
}

/** `stoptime` as TimeoutStopSec=: 0 would mean "wait forever" to systemd, so 1 ms instead. */
export function stopTimeout(seconds: number): string {
  if (seconds === 0) return "1ms";
  if (Number.isInteger(seconds)) return `${seconds}s`;
  return `${Math.max(1, Math.round(seconds * 1000))}ms`;
}

function identity(spec: ProgramSpec): string[] {
  const id = spec.identity;
  if (id === null) return [];
  // The name reads better, but systemd warns "Special user nobody configured, this is not
  // safe!" for the overflow user (verify then fails): that one goes by number.
  const named = /^[A-Za-z_][A-Za-z0-9_.-]*$/.test(id.user) && !NOBODY.has(id.user) &&
    id.uid !== 65534;
  const user = named ? id.user : String(id.uid);
  return [`User=${user}`, `Group=${id.gid}`];
}

function environment(spec: ProgramSpec, ctx: SystemdContext): string[] {
  const lines: string[] = [];
  for (const key of Object.keys(spec.env).sort()) {
    const value = spec.env[key]!;
    const problem = envNameOk(key) ? unitValueProblem(value) : "has a name systemd refuses";
    if (problem !== null) {
      ctx.notes.add(`${spec.name}.env`, "dropped", `${key}: value ${problem}`);
      continue;
    }
    lines.push(environmentLine(key, value));
  }
  const one = spec.numprocs === 1;
  lines.push(environmentLine("TASKMASTER_PROGRAM", spec.name));
  // `%i` must reach systemd unescaped, so these two lines are built by hand.
  lines.push(
    `Environment="TASKMASTER_PROCESS_NAME=${escapeSpecifiers(spec.name)}${one ? "" : ":%i"}"`,
  );
  lines.push(`Environment="TASKMASTER_PROCESS_NUM=${one ? "0" : "%i"}"`);
  return lines;
}

function pathSetting(
  spec: ProgramSpec,
  key: string,
  setting: string,
  path: string,
  ctx: SystemdContext,
): string[] {
  const problem = unitValueProblem(path);
  if (problem === null && path.trim() === path) return [`${setting}${escapeSpecifiers(path)}`];
  ctx.notes.add(`${spec.name}.${key}`, "dropped", `path ${problem ?? "has blanks at an end"}`);
  return [];
}

function output(
  spec: ProgramSpec,
  key: string,
  setting: string,
  target: OutputTarget,
  ctx: SystemdContext,
): string[] {
  if (target.kind === "none") return [`${setting}null`];
  if (target.kind === "memory") return [`${setting}journal`];
  const line = pathSetting(spec, key, `${setting}append:`, target.path, ctx);
  return line.length > 0 ? line : [`${setting}journal`];
}
