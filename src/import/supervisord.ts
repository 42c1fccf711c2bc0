/**
 * supervisord config (with its includes) → Draft (docs/import.md "supervisord"): the
 * `[supervisord]`, `[unix_http_server]` and `[inet_http_server]` sections become `taskmaster:`
 * keys, each `[program:x]` one or more programs (sv_program.ts), and every other section a note.
 */
import { isLoopbackHost } from "../config/converters.ts";
import { folderOf } from "./paths.ts";
import {
  envExpansions,
  type IniHost,
  type Opt,
  readSupervisordFiles,
  type Section,
} from "./ini_files.ts";
import { expandFormat } from "./py_format.ts";
import { parseEnvironment } from "./sv_environment.ts";
import { svByteSize, svInteger, svOctal } from "./sv_values.ts";
import { convertProgram, relNote } from "./sv_program.ts";
import { NameMap } from "./names.ts";
import { type Draft, ImportError, newBlock, type Note, setField } from "./types.ts";

/** The host facts a supervisord import needs. */
export interface SupervisordHost extends IniHost {
  userExists(name: string): boolean;
}

const DAEMON_DROPPED: Record<string, string> = {
  pidfile: "taskmasterd keeps no pid file",
  loglevel: "the event log has no levels",
  minfds: "raise the limit in the service manager (LimitNOFILE=)",
  minprocs: "raise the limit in the service manager",
  childlogdir: "output without a file is kept in memory",
  directory: "taskmasterd does not change its working directory",
  identifier: "no XML-RPC identifier",
  nocleanup: "no automatic child log files to clean",
  strip_ansi: "output is stored byte-exact",
  silent: "the foreground daemon always mirrors its event log on stderr",
};

/** Converts the supervisord config at `file`. Throws ImportError. */
export function importSupervisord(file: string, host: SupervisordHost): Draft {
  const notes: Note[] = [];
  const { sections } = readSupervisordFiles(file, host, notes);
  const draft: Draft = {
    kind: "supervisord",
    file,
    daemon: newBlock("taskmaster"),
    programs: [],
    notes,
  };
  const byName = new Map(sections.map((s) => [s.name, s]));
  const usedEnv = new Set<string>();
  const base = { ...envExpansions(host.env), host_node_name: host.hostname };
  const get = (
    section: Section,
    key: string,
    extra: Record<string, string> = {},
  ): string | undefined => {
    const opt = section.options.get(key);
    if (opt === undefined) return undefined;
    return expandFormat(
      opt.value,
      [base, extra, { here: folderOf(opt.file) }],
      `${section.name}.${key}`,
      at(opt),
      usedEnv,
    );
  };
  const daemon = draft.daemon;

  const sv = byName.get("supervisord");
  let daemonEnv = new Map<string, string>();
  let daemonUmask: number | null = null;
  if (sv !== undefined) {
    const envText = get(sv, "environment");
    if (envText !== undefined) {
      daemonEnv = parseEnvironment(envText, at(sv.options.get("environment")!));
    }
    const umask = get(sv, "umask");
    if (umask !== undefined) daemonUmask = checked(sv, "umask", svOctal(umask));
    for (const key of sv.options.keys()) {
      const path = `supervisord.${key}`;
      if (key === "logfile") {
        const value = get(sv, key)!;
        if (value === "/dev/null") {
          daemon.notes.push({
            path,
            kind: "approximate",
            message: "/dev/null: left unset; the event log is then kept in memory only",
          });
        } else if (/^\/(?:dev\/(?:stdout|stderr|fd\/\d+)|proc\/self\/fd\/\d+)$/.test(value)) {
          daemon.notes.push({
            path,
            kind: "approximate",
            message:
              `${value}: left unset; the foreground taskmasterd mirrors its event log on stderr`,
          });
        } else setField(daemon, "logfile", value, ...relNote(path, value));
      } else if (key === "logfile_maxbytes") {
        setField(daemon, "logmaxbytes", checked(sv, key, svByteSize(get(sv, key)!)));
      } else if (key === "logfile_backups") {
        setField(daemon, "logbackups", Math.min(1000, checked(sv, key, svInteger(get(sv, key)!))));
      } else if (key === "user") {
        const user = get(sv, key)!;
        const n: Note[] = /^\d+$/.test(user) || host.userExists(user) ? [] : [{
          path,
          kind: "exact",
          message: `user ${user} does not exist on this machine; -t fails until it does`,
        }];
        setField(daemon, "uid", user, ...n);
      } else if (key === "nodaemon") {
        if (!/^(?:true|yes|on|1)$/i.test(get(sv, key)!)) {
          daemon.notes.push({
            path,
            kind: "approximate",
            message: "taskmasterd runs in the foreground unless started with -d",
          });
        }
      } else if (key === "environment" || key === "umask") continue;
      else {
        daemon.notes.push({
          path,
          kind: "dropped",
          message: DAEMON_DROPPED[key] ?? "not a supervisord 4 key either",
        });
      }
    }
    if (daemonEnv.size > 0) {
      notes.push({
        path: "supervisord.environment",
        kind: "exact",
        message: "merged into every program's env (a program's own value wins)",
      });
    }
    if (daemonUmask !== null) {
      notes.push({
        path: "supervisord.umask",
        kind: "exact",
        message: "became the umask of every program that sets none",
      });
    }
  }

  const unix = byName.get("unix_http_server");
  if (unix !== undefined) {
    for (const key of unix.options.keys()) {
      const path = `unix_http_server.${key}`;
      if (key === "file") {
        const value = get(unix, key)!;
        setField(daemon, "socket", value, ...relNote(path, value));
      } else {
        daemon.notes.push({
          path,
          kind: "dropped",
          message: key === "chmod" || key === "chown"
            ? "the socket is always 0600, owned by the daemon's user"
            : "the socket is protected by its permissions, not a password",
        });
      }
    }
  }

  const inet = byName.get("inet_http_server");
  if (inet !== undefined) {
    const port = get(inet, "port");
    if (port === undefined) {
      throw new ImportError(
        `${inet.file}:${inet.line}: [inet_http_server] has no port= (supervisord requires one)`,
      );
    }
    const m = /^(?:(.*):)?(\d+)$/.exec(port.trim());
    const number = m === null ? NaN : Number(m[2]);
    if (m === null || number > 65535) {
      throw new ImportError(
        `${at(inet.options.get("port")!)}: port: not HOST:PORT or PORT: ${JSON.stringify(port)}`,
      );
    }
    const hostPart = (m[1] ?? "").replace(/^\[(.*)\]$/, "$1");
    const local = hostPart !== "" && isLoopbackHost(hostPart);
    const hostValue = local ? (hostPart === "localhost" ? "127.0.0.1" : hostPart) : "127.0.0.1";
    const n: Note[] = local ? [] : [{
      path: "inet_http_server.port",
      kind: "approximate",
      message:
        `${port} listens beyond this machine; bound to 127.0.0.1 instead (set http.token and http.host to expose it again)`,
    }];
    setField(daemon, "http", { host: hostValue, port: number }, ...n);
    for (const key of inet.options.keys()) {
      if (key !== "port") {
        daemon.notes.push({
          path: `inet_http_server.${key}`,
          kind: "dropped",
          message: "credentials are not carried over; use http.token",
        });
      }
    }
  }

  const names = new NameMap();
  const baseEnv: Record<string, string> = { ...base };
  for (const [k, v] of daemonEnv) baseEnv[`ENV_${k}`] = v;
  const defaults = byName.get("DEFAULT");
  for (const section of sections) {
    const [kind, ...rest] = section.name.split(":");
    const name = rest.join(":");
    if (section.name === "program:" + name && kind === "program") {
      if (defaults !== undefined) {
        for (const [k, v] of defaults.options) {
          if (!section.options.has(k)) section.options.set(k, v);
        }
      }
      draft.programs.push(...convertProgram(section, {
        baseEnv,
        daemonEnv,
        daemonUmask,
        hostname: host.hostname,
        userExists: host.userExists,
        names,
        usedEnv,
      }));
    } else if (
      ["supervisord", "unix_http_server", "inet_http_server", "include"].includes(section.name)
    ) continue;
    else notes.push(sectionNote(section, kind ?? "", name));
  }
  if (usedEnv.size > 0) {
    const env = [...usedEnv].filter((n) => n.startsWith("ENV_")).sort();
    if (env.length > 0) {
      notes.push({
        path: "expansions",
        kind: "exact",
        message: `expanded at import from this environment: ${env.join(", ")}`,
      });
    }
  }
  return draft;
}

function sectionNote(section: Section, kind: string, name: string): Note {
  const path = section.name;
  switch (kind) {
    case "group":
      return {
        path,
        kind: "dropped",
        message: "groups do not exist; its programs are imported one by one",
      };
    case "eventlistener": {
      const events = section.options.get("events")?.value ?? "";
      const stopper = /PROCESS_STATE_(?:EXITED|FATAL)|PROCESS_STATE(?![_A-Z])/.test(events);
      return {
        path,
        kind: "dropped",
        message: stopper
          ? `event listener ${name} reacts to process exits (a stop-on-exit listener?): consider critical on the programs it watches`
          : "event listeners are not supported",
      };
    }
    case "fcgi-program":
      return { path, kind: "dropped", message: "FastCGI socket sharing is not supported" };
    case "rpcinterface":
    case "ctlplugin":
      return {
        path,
        kind: "dropped",
        message: "XML-RPC plugins do not apply (the control API is JSON over the unix socket)",
      };
    case "supervisorctl":
      return { path, kind: "dropped", message: "taskmasterctl finds the socket from the config" };
    case "DEFAULT":
      return { path, kind: "exact", message: "its keys were used as defaults of every program" };
    default:
      return { path, kind: "dropped", message: "section unknown to supervisord 4 too" };
  }
}

function at(opt: Opt): string {
  return `${opt.file}:${opt.line}`;
}

function checked(section: Section, key: string, r: { ok: number } | { error: string }): number {
  if ("error" in r) {
    throw new ImportError(`${at(section.options.get(key)!)}: ${section.name}.${key}: ${r.error}`);
  }
  if (r.ok < 0) {
    throw new ImportError(
      `${at(section.options.get(key)!)}: ${section.name}.${key}: must not be negative`,
    );
  }
  return r.ok;
}
