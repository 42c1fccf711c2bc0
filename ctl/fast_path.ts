/**
 * The one-shot commands operators type most (`status`, `start`, `stop`, `restart`), run without
 * commander when their argument list is unambiguous. commander is an npm (CommonJS) package:
 * loading it brings up the Node compatibility layer, which costs more than the whole command
 * against an idle daemon. Anything this parser does not fully recognise (help, options it does
 * not know, a missing NAME, `--`, an attached option value…) returns null and goes to commander,
 * so errors, help texts and exit codes stay commander's (docs/cli.md "Commands").
 */
import * as c from "./commands.ts";
import { EXIT } from "./errors.ts";
import { reportFailure } from "./outcome.ts";
import type { Session } from "./session.ts";

/** A command line the fast path can run exactly as commander would. */
export interface FastCall {
  readonly command: "status" | "start" | "stop" | "restart";
  readonly names: readonly string[];
  readonly json: boolean;
}

const COMMANDS: ReadonlySet<string> = new Set(["status", "start", "stop", "restart"]);
const VALUE_OPTIONS: ReadonlySet<string> = new Set(["-c", "--config", "-s", "--socket"]);

/**
 * Parses `args` (globals, then the command, then names and `--json`) or returns null when
 * commander must decide. Globals are taken by run.ts's scanGlobals; here they are only skipped.
 */
export function parseFastPath(args: readonly string[]): FastCall | null {
  let json = false;
  let i = 0;
  for (; i < args.length; i++) {
    const arg = args[i]!;
    if (VALUE_OPTIONS.has(arg)) {
      const value = args[++i];
      if (value === undefined || value === "" || value.startsWith("-")) return null;
    } else if (arg.startsWith("--config=") || arg.startsWith("--socket=")) {
      const value = arg.slice(arg.indexOf("=") + 1);
      if (value === "" || value.startsWith("-")) return null;
    } else if (arg === "--json") json = true;
    else break;
  }
  const command = args[i];
  if (command === undefined || !COMMANDS.has(command)) return null;
  const names: string[] = [];
  for (const arg of args.slice(i + 1)) {
    if (arg === "--json") json = true;
    else if (arg === "" || arg.startsWith("-")) return null;
    else names.push(arg);
  }
  if (command !== "status" && names.length === 0) return null;
  return { command: command as FastCall["command"], names, json };
}

/** Runs a parsed call; returns the exit code like program.ts's runArgs. Never throws. */
export async function runFastCall(call: FastCall, session: Session): Promise<number> {
  session.exitCode = EXIT.ok;
  try {
    const names = [...call.names];
    if (call.command === "status") await c.cmdStatus(session, names, call.json);
    else await c.cmdAction(session, call.command, names, call.json);
    return session.exitCode;
  } catch (error) {
    return reportFailure(session, error);
  }
}
