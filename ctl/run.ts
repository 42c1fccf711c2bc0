/**
 * taskmasterctl's top level: reads the global options, builds the session and either runs one
 * command or the interactive shell. Returns the exit code; only ctl/main.ts exits the process.
 */
import { ControlClient } from "./client.ts";
import { CtlError, EXIT } from "./errors.ts";
import { parseFastPath, runFastCall } from "./fast_path.ts";
import type { buildProgram } from "./program.ts";
import { colorsWanted, makePaint } from "./render.ts";
import type { Session } from "./session.ts";
import { resolveSocket, type TargetOptions } from "./socket.ts";

/** Runs taskmasterctl with `args` (without the program name); resolves with the exit code. */
export async function runCtl(args: string[]): Promise<number> {
  const stdoutIsTerminal = Deno.stdout.isTerminal();
  const target: TargetOptions = {};
  let client: ControlClient | null = null;
  let quit = false;
  let ask = (question: string) => askTerminal(question);
  let interruptSource = signalInterrupts;
  const session: Session = {
    out: (text) => writeAll(Deno.stdout, text),
    err: (text) => writeAll(Deno.stderr, text),
    paint: makePaint(colorsWanted(stdoutIsTerminal)),
    stdoutIsTerminal,
    stderrIsTerminal: Deno.stderr.isTerminal(),
    stdinIsTerminal: Deno.stdin.isTerminal(),
    interactive: false,
    async client() {
      client ??= new ControlClient(await resolveSocket(target));
      return client;
    },
    ask: (question) => ask(question),
    onInterrupt: (listener) => interruptSource(listener),
    requestQuit() {
      quit = true;
    },
    exitCode: EXIT.ok,
  };
  try {
    const scan = scanGlobals(args);
    if (scan.config !== undefined) target.config = scan.config;
    if (scan.socket !== undefined) target.socket = scan.socket;
    if (scan.hasCommand) {
      const fast = parseFastPath(args);
      if (fast !== null) return await runFastCall(fast, session);
    }
    // commander (and with it the Node compatibility layer) only for what the fast path leaves.
    const { buildProgram, runArgs } = await import("./program.ts");
    const program = buildProgram(() => session);
    if (scan.hasCommand) return await runArgs(program, session, args);
    session.interactive = true;
    // Options given before the shell stay in force for every line (e.g. --json).
    const prefix = args;
    // Loaded only for the shell: node:readline costs start-up time one-shot commands never need.
    const { runShell } = await import("./shell.ts");
    return await runShell(wrapProgramArgs(program, prefix), session, {
      setAsk(fn) {
        ask = fn;
      },
      setInterruptSource(fn) {
        interruptSource = fn;
      },
      setRawInput(fn) {
        session.rawInput = fn;
      },
      quitRequested: () => quit,
    });
  } catch (error) {
    const exitCode = error instanceof CtlError ? error.exitCode : EXIT.failed;
    session.err(`taskmasterctl: ${error instanceof Error ? error.message : String(error)}\n`);
    return exitCode;
  } finally {
    // Closing the client drops the connection pool so the process can exit promptly.
    (client as ControlClient | null)?.close();
  }
}

/** Global options found before the first command word, and whether there is a command. */
export function scanGlobals(
  args: string[],
): { config?: string; socket?: string; json: boolean; hasCommand: boolean } {
  const out: { config?: string; socket?: string; json: boolean; hasCommand: boolean } = {
    json: false,
    hasCommand: false,
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const takeValue = (): string => {
      const value = args[++i];
      if (value === undefined) throw new CtlError(EXIT.usage, `option ${arg} needs a value`);
      return value;
    };
    if (arg === "-c" || arg === "--config") out.config = takeValue();
    else if (arg === "-s" || arg === "--socket") out.socket = takeValue();
    else if (arg.startsWith("--config=")) out.config = arg.slice(9);
    else if (arg.startsWith("--socket=")) out.socket = arg.slice(9);
    else if (arg === "--json") out.json = true;
    else {
      // Anything else (a command, -h, -V, an unknown option) is commander's to parse.
      out.hasCommand = true;
      break;
    }
  }
  return out;
}

/** The shell parses each line with the globals given at start-up in front of it. */
function wrapProgramArgs(
  program: ReturnType<typeof buildProgram>,
  prefix: string[],
): ReturnType<typeof buildProgram> {
  const parseAsync = program.parseAsync.bind(program);
  program.parseAsync = (argv, options) => parseAsync([...prefix, ...(argv ?? [])], options);
  return program;
}

function signalInterrupts(listener: () => void): () => void {
  Deno.addSignalListener("SIGINT", listener);
  return () => Deno.removeSignalListener("SIGINT", listener);
}

async function askTerminal(question: string): Promise<boolean> {
  writeAll(Deno.stderr, question);
  const buffer = new Uint8Array(256);
  const n = await Deno.stdin.read(buffer);
  if (n === null) return false;
  return /^\s*y(es)?\s*$/i.test(new TextDecoder().decode(buffer.subarray(0, n)));
}

function writeAll(file: { writeSync(p: Uint8Array): number }, text: string): void {
  let bytes = new TextEncoder().encode(text);
  try {
    while (bytes.length > 0) bytes = bytes.subarray(file.writeSync(bytes));
  } catch (error) {
    // A closed pipe (`taskmasterctl log | head`) is the reader's choice, not our failure.
    if (!(error instanceof Deno.errors.BrokenPipe)) throw error;
  }
}
