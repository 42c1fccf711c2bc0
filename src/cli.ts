/**
 * `taskmasterd` command line: `taskmasterd [-c FILE] [-d|--daemonize] [-t|--check] [--version]
 * [--help]`. Parses argv, validates the config, and hands over to the daemon. Returns the exit
 * code (0 clean shutdown / valid config, 1 invalid config or refusal to start, 2 usage error);
 * only `main.ts` calls `Deno.exit`.
 */
import { loadConfig } from "./config/load.ts";
import { DEFAULT_CONFIG_PATHS } from "./protocol/socket_path.ts";
import { VERSION } from "./protocol/version.ts";
import { runDaemon } from "./daemon.ts";
import { daemonize, DETACHED_ENV } from "./daemonize.ts";
import {
  emptyExportArgs,
  type ExportArgs,
  readExportOption,
  setExportTarget,
} from "./protocol/export_args.ts";
import { runExportCli } from "./export/run_cli.ts";

const USAGE = `usage: taskmasterd [-c FILE] [-d|--daemonize] [-t|--check] [--version] [--help]
       taskmasterd --export systemd|kubernetes [-c FILE] [-o|--out PATH] [--name APP]
                   [--image [PROG=]IMAGE]... [--namespace NS] [--strict] [--force] [--json]

  -c, --config FILE   configuration file (default: ./taskmaster.yaml, then
                      /etc/taskmaster/taskmaster.yaml)
  -d, --daemonize     run in the background; returns once the control socket answers
  -t, --check         validate the configuration, print every error, and exit 0/1
      --import KIND FILE  convert a supervisord|pm2|procfile config to YAML (see --import --help)
      --export TARGET render the config as systemd units or Kubernetes YAML and exit
                      (nothing is started; see docs/export.md)
      --version       print the version and exit
  -h, --help          print this help and exit`;

/** Parsed daemon options. */
export interface DaemonArgs {
  config: string | null;
  daemonize: boolean;
  check: boolean;
  version: boolean;
  help: boolean;
  /** `--export TARGET` and its options (docs/cli.md "Export"). */
  export: ExportArgs;
}

/** Parses argv; returns an error message for anything it does not understand. */
export function parseDaemonArgs(argv: readonly string[]): DaemonArgs | { error: string } {
  const args: DaemonArgs = {
    config: null,
    daemonize: false,
    check: false,
    version: false,
    help: false,
    export: emptyExportArgs(),
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "-c" || arg === "--config") {
      const value = argv[++i];
      if (value === undefined || value === "") return { error: `${arg} needs a FILE` };
      args.config = value;
    } else if (arg.startsWith("--config=")) {
      args.config = arg.slice("--config=".length);
    } else if (arg === "-d" || arg === "--daemonize") args.daemonize = true;
    else if (arg === "-t" || arg === "--check") args.check = true;
    else if (arg === "--version" || arg === "-v") args.version = true;
    else if (arg === "-h" || arg === "--help") args.help = true;
    else if (arg === "--export") {
      const error = setExportTarget(args.export, argv[++i]);
      if (error !== null) return { error };
    } else {
      const used = readExportOption(argv, i, args.export);
      if (typeof used === "object") return used;
      if (used === 0) return { error: `unknown argument '${arg}'` };
      i += used - 1;
    }
  }
  if (
    args.export.target === null && JSON.stringify(args.export) !== JSON.stringify(emptyExportArgs())
  ) {
    return { error: "export options need --export systemd|kubernetes" };
  }
  return args;
}

/** Runs the daemon command line and resolves with the process exit code. */
export async function runDaemonCli(argv: readonly string[]): Promise<number> {
  if (argv.includes("--import")) {
    // Import never starts a daemon; its modules (and json5) load only here (docs/cli.md).
    return await (await import("./import/cli.ts")).runImportCli(argv);
  }
  const parsed = parseDaemonArgs(argv);
  if ("error" in parsed) {
    writeErr(`taskmasterd: ${parsed.error}\n${USAGE}`);
    return 2;
  }
  if (parsed.help) {
    writeOut(USAGE);
    return 0;
  }
  if (parsed.version) {
    writeOut(`taskmasterd ${VERSION}`);
    return 0;
  }
  const file = parsed.config ?? findDefaultConfig();
  if (file === null) {
    writeErr(
      `taskmasterd: no configuration file: tried ${DEFAULT_CONFIG_PATHS.join(", ")} (use -c FILE)`,
    );
    return 1;
  }
  const target = parsed.export.target;
  if (target !== null) return await runExportCli({ ...parsed.export, target }, file);
  const loaded = await loadConfig(file);
  if (!loaded.ok) {
    for (const error of loaded.errors) writeErr(error.text);
    return 1;
  }
  if (parsed.check) {
    writeOut(`${file}: ok (${loaded.config.programs.length} programs)`);
    return 0;
  }
  if (parsed.daemonize) return await daemonize(argv, loaded.config.daemon.socket);
  // A daemonized copy (see daemonize.ts) has no terminal to mirror the event log to.
  const foreground = Deno.env.get(DETACHED_ENV) !== "1";
  return await runDaemon(loaded.config, { foreground });
}

function findDefaultConfig(): string | null {
  for (const candidate of DEFAULT_CONFIG_PATHS) {
    try {
      if (Deno.statSync(candidate).isFile) return candidate;
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) return candidate; // let the loader explain
    }
  }
  return null;
}

function writeOut(text: string): void {
  Deno.stdout.writeSync(new TextEncoder().encode(text + "\n"));
}

function writeErr(text: string): void {
  Deno.stderr.writeSync(new TextEncoder().encode(text + "\n"));
}
