/**
 * The single commander program that parses both one-shot arguments and every shell line
 * (docs/cli.md "Commands"). Actions run through the {@link Session}; parse errors become exit 2.
 */
import { Argument, Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { VERSION } from "../src/protocol/version.ts";
import { attach, DETACH_KEY_NAME } from "./attach.ts";
import * as c from "./commands.ts";
import { completionScript } from "./completion.ts";
import { CtlError, EXIT } from "./errors.ts";
import { cmdExport, type ExportCommandOptions } from "./export.ts";
import { reportFailure } from "./outcome.ts";
import type { Session } from "./session.ts";

/** Global options (`-c`, `-s`, `--json`) as parsed. */
export interface GlobalOptions {
  config?: string;
  socket?: string;
  json?: boolean;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function lineCount(value: string): number {
  if (!/^\d{1,9}$/.test(value)) throw new InvalidArgumentError("must be a whole number");
  return Number(value);
}

/** Builds the program. `session()` gives the session of the line being run. */
export function buildProgram(session: () => Session): Command {
  const program = new Command("taskmasterctl");
  // Before any subcommand is added, so they all inherit it (commander's rule).
  program.exitOverride();
  program
    .description("control taskmasterd; without a command, an interactive shell")
    .usage("[-c FILE | -s SOCKET] [--json] [COMMAND [ARGS...]]")
    .option("-c, --config <file>", "config file whose taskmaster.socket to use")
    .option("-s, --socket <path>", "control socket path")
    .option("--json", "machine-readable output")
    .version(VERSION, "-V, --version", "print taskmasterctl's version")
    .configureOutput({
      writeOut: (text) => session().out(text),
      writeErr: (text) => session().err(text),
    })
    .showSuggestionAfterError(true)
    .addHelpText(
      "after",
      `
NAME is prog (every instance), prog:N (one instance) or all.
attach: detach with ${DETACH_KEY_NAME}; the process keeps running.
Exit codes: 0 ok, 1 command failed, 2 usage error, 3 daemon not reachable.`,
    );

  const json = (cmd: Command) => Boolean(cmd.optsWithGlobals().json);

  program.command("status").argument("[names...]").description("show process states")
    .action((names: string[], _o, cmd: Command) => c.cmdStatus(session(), names, json(cmd)));
  program.command("start").argument("<names...>")
    .option("--no-deps", "ignore depends_on: start only the named processes")
    .description("start processes (dependencies first) and wait")
    .action((names: string[], o: { deps?: boolean }, cmd: Command) =>
      c.cmdAction(session(), "start", names, json(cmd), o.deps === false)
    );
  for (const verb of ["stop", "restart"] as const) {
    program.command(verb).argument("<names...>").description(`${verb} processes and wait`)
      .action((names: string[], _o, cmd: Command) =>
        c.cmdAction(session(), verb, names, json(cmd))
      );
  }
  program.command("deps").description("show start waves and dependency edges")
    .action((_o, cmd: Command) => c.cmdDeps(session(), json(cmd)));
  program.command("reset").argument("<names...>")
    .description("forget the operator's start/stop intent (no process changes state)")
    .action((names: string[], _o, cmd: Command) => c.cmdReset(session(), names, json(cmd)));
  program.command("reload").option("--dry-run", "only print the plan")
    .description("re-read the config and apply it")
    .action((o: { dryRun?: boolean }, cmd: Command) =>
      c.cmdReload(session(), Boolean(o.dryRun), json(cmd))
    );
  program.command("exit").alias("shutdown").option("-y, --yes", "do not ask for confirmation")
    .description("stop every program, then taskmasterd")
    .action((o: { yes?: boolean }, cmd: Command) =>
      c.cmdShutdown(session(), Boolean(o.yes), json(cmd))
    );
  program.command("quit").description("leave the shell (the daemon keeps running)")
    .action(() => session().requestQuit());
  program.command("tail").argument("<name>").argument("[stream]", "stdout or stderr", "stdout")
    .option("-f, --follow", "follow new output")
    .addOption(new Option("-n, --lines <n>", "lines to show").argParser(lineCount).default(10))
    .description("show a process's output")
    .action((name: string, stream: string, o: { follow?: boolean; lines: number }, cmd) => {
      if (stream !== "stdout" && stream !== "stderr") {
        throw new CtlError(EXIT.usage, `stream must be stdout or stderr (got ${stream})`);
      }
      return c.cmdTail(session(), name, stream, {
        follow: Boolean(o.follow),
        lines: o.lines,
        json: json(cmd),
      });
    });
  program.command("log").option("-f, --follow", "follow new events")
    .addOption(new Option("-n, --lines <n>", "events to show").argParser(lineCount).default(10))
    .description("show the daemon's event log")
    .action((o: { follow?: boolean; lines: number }, cmd: Command) =>
      c.cmdLog(session(), { follow: Boolean(o.follow), lines: o.lines, json: json(cmd) })
    );
  program.command("pid").argument("[names...]").description("daemon pid, or process pids")
    .action((names: string[], _o, cmd: Command) => c.cmdPid(session(), names, json(cmd)));
  program.command("signal").argument("<signal>").argument("<names...>")
    .description("send a signal to processes")
    .action((sig: string, names: string[], _o, cmd: Command) =>
      c.cmdSignal(session(), sig, names, json(cmd))
    );
  program.command("info").description("daemon facts: version, uptime, reload, web, log loss")
    .action((_o, cmd: Command) => c.cmdInfo(session(), json(cmd)));
  program.command("version").description("controller and daemon versions")
    .action((_o, cmd: Command) => c.cmdVersion(session(), json(cmd)));
  program.command("alert").addArgument(new Argument("<action>", "test").choices(["test"]))
    .description("alert test: send a test alert mail")
    .action((_a: string, _o, cmd: Command) => c.cmdAlertTest(session(), json(cmd)));
  program.command("export").argument("<target>", "systemd or kubernetes")
    .option("-o, --out <path>", "folder (systemd, default: here) or file (kubernetes)")
    .option("--name <app>", "app name (default: the config file's base name)")
    .option("--image <image>", "[PROG=]IMAGE for kubernetes (repeatable)", collect, [])
    .option("--namespace <ns>", "kubernetes namespace")
    .option("--strict", "exit 1 when any key is dropped")
    .option("--force", "overwrite files that export did not generate")
    .description("render the live config as systemd units or Kubernetes YAML")
    .action((target: string, o: ExportCommandOptions, cmd: Command) =>
      cmdExport(session(), target, o, json(cmd))
    );
  program.command("attach").argument("<name>")
    .description(`connect the terminal to a process (detach: ${DETACH_KEY_NAME})`)
    .action((name: string) => attach(session(), name));
  program.command("completion").argument("<shell>", "bash or zsh")
    .description("print a shell completion script")
    .action((shell: string) => {
      if (shell !== "bash" && shell !== "zsh") {
        throw new CtlError(EXIT.usage, `completion: shell must be bash or zsh (got ${shell})`);
      }
      session().out(completionScript(shell));
    });
  program.command("_names", { hidden: true }).action(() => c.cmdNames(session()));
  return program;
}

/**
 * Parses and runs one argument list with `program`; returns the exit code. Never throws:
 * every error is printed as one line on stderr.
 */
export async function runArgs(
  program: Command,
  session: Session,
  args: string[],
): Promise<number> {
  session.exitCode = EXIT.ok;
  try {
    await program.parseAsync(args, { from: "user" });
    return session.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version "errors" are successes; commander already printed its message.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    return reportFailure(session, error);
  }
}
