/**
 * The interactive shell (docs/cli.md "taskmasterctl"): node:readline with the `taskmaster> `
 * prompt, history kept in ~/.taskmaster_history, TAB completion of commands and live process names,
 * Ctrl-C cancels the line, Ctrl-D or `quit` leaves. Lines from a pipe run without a prompt. Every
 * line goes through the same commander program as one-shot mode.
 */
import * as readline from "node:readline";
import process from "node:process";
import type { Command } from "commander";
import { NAME_COMMANDS_LIST, SHELL_COMMAND_LIST } from "./command_names.ts";
import { namesFrom } from "./commands.ts";
import { EXIT } from "./errors.ts";
import { runArgs } from "./program.ts";
import type { Session } from "./session.ts";
import { splitWords } from "./words.ts";

/** Shell prompt. */
export const PROMPT = "taskmaster> ";
/** History entries kept. */
export const HISTORY_SIZE = 1000;

/** Hooks the shell installs into the session it drives. */
export interface ShellHooks {
  /** Replaces the session's confirmation prompt by one reading the next shell line. */
  setAsk(ask: (question: string) => Promise<boolean>): void;
  /** Routes readline interrupts to the running command. */
  setInterruptSource(source: (listener: () => void) => () => void): void;
  /** Gives `attach` the terminal's raw bytes while readline is muted. */
  setRawInput(input: (onData: (bytes: Uint8Array | null) => void) => () => void): void;
  /** True once `quit` ran. */
  quitRequested(): boolean;
}

/** Runs the shell until EOF or `quit`; returns the exit code (the last failing one for pipes). */
export async function runShell(program: Command, s: Session, hooks: ShellHooks): Promise<number> {
  const terminal = s.stdinIsTerminal && s.stdoutIsTerminal;
  const historyPath = historyFile();
  const rl = readline.createInterface({
    input: process.stdin,
    output: terminal ? process.stdout : undefined,
    terminal,
    prompt: PROMPT,
    historySize: HISTORY_SIZE,
    history: terminal ? loadHistory(historyPath) : [],
    removeHistoryDuplicates: false,
    completer: terminal ? makeCompleter(s) : undefined,
  } as readline.ReadLineOptions);

  const queue: string[] = [];
  let waiter: ((line: string | null) => void) | null = null;
  let closed = false;
  rl.on("line", (line: string) => {
    if (waiter) {
      const w = waiter;
      waiter = null;
      w(line);
    } else queue.push(line);
  });
  rl.on("close", () => {
    closed = true;
    waiter?.(null);
    waiter = null;
  });
  const nextLine = (): Promise<string | null> => {
    if (queue.length > 0) return Promise.resolve(queue.shift()!);
    if (closed) return Promise.resolve(null);
    return new Promise((resolve) => waiter = resolve);
  };

  let interruptListener: (() => void) | null = null;
  rl.on("SIGINT", () => {
    if (interruptListener) {
      interruptListener();
      return;
    }
    // Ctrl-C at the prompt cancels the line being typed, as in bash.
    rl.write(null, { ctrl: true, name: "e" });
    rl.write(null, { ctrl: true, name: "u" });
    s.out("^C\n");
    rl.prompt();
  });
  hooks.setInterruptSource((listener) => {
    interruptListener = listener;
    return () => {
      if (interruptListener === listener) interruptListener = null;
    };
  });
  hooks.setAsk(async (question) => {
    s.out(question);
    const answer = await nextLine();
    return answer !== null && /^\s*y(es)?\s*$/i.test(answer);
  });

  if (terminal) hooks.setRawInput((onData) => borrowInput(rl, onData));

  let failure: number = EXIT.ok;
  if (terminal) rl.prompt();
  while (true) {
    const line = await nextLine();
    if (line === null) break;
    if (line.trim() !== "") {
      if (terminal) appendHistory(historyPath, line);
      const code = await runLine(program, s, line);
      if (code !== EXIT.ok) failure = code;
      if (hooks.quitRequested()) break;
    }
    if (closed && queue.length === 0) break;
    if (terminal) rl.prompt();
  }
  if (terminal && closed) s.out("\n");
  rl.close();
  return terminal ? EXIT.ok : failure;
}

/**
 * Hands the terminal's bytes to `onData` instead of readline (which keeps the terminal in raw
 * mode): readline's keypress listeners are detached until the returned function is called.
 */
function borrowInput(
  rl: readline.Interface,
  onData: (bytes: Uint8Array | null) => void,
): () => void {
  const input = process.stdin;
  const keypress = input.listeners("keypress") as ((...args: unknown[]) => void)[];
  input.removeAllListeners("keypress");
  const data = (chunk: Uint8Array | string) => {
    onData(typeof chunk === "string" ? new TextEncoder().encode(chunk) : new Uint8Array(chunk));
  };
  const end = () => onData(null);
  input.on("data", data);
  input.on("end", end);
  rl.pause();
  input.resume();
  return () => {
    input.off("data", data);
    input.off("end", end);
    for (const listener of keypress) input.on("keypress", listener);
    rl.resume();
  };
}

async function runLine(program: Command, s: Session, line: string): Promise<number> {
  let words: string[];
  try {
    words = splitWords(line);
  } catch (error) {
    s.err(`taskmasterctl: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.usage;
  }
  return await runArgs(program, s, words);
}

function historyFile(): string | null {
  const home = Deno.env.get("HOME");
  return home ? `${home}/.taskmaster_history` : null;
}

/** History lines, newest first (readline's order). */
function loadHistory(path: string | null): string[] {
  if (path === null) return [];
  try {
    const lines = Deno.readTextFileSync(path).split("\n").filter((l) => l.trim() !== "");
    return lines.slice(-HISTORY_SIZE).reverse();
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) {
      console.error(`taskmasterctl: cannot read history ${path}: ${error}`);
    }
    return [];
  }
}

function appendHistory(path: string | null, line: string): void {
  if (path === null) return;
  try {
    Deno.writeTextFileSync(path, line.replace(/\n/g, " ").trimEnd() + "\n", {
      append: true,
      mode: 0o600,
    });
  } catch (error) {
    // History is a convenience: a read-only HOME must not break the shell, but say it once.
    console.error(`taskmasterctl: cannot write history ${path}: ${error}`);
  }
}

type Completer = (
  line: string,
  callback: (error: Error | null, result: [string[], string]) => void,
) => void;

/** TAB completion: command names first, then live names after commands that take them. */
export function makeCompleter(s: Session): Completer {
  return (line, callback) => {
    completions(s, line).then(
      (result) => callback(null, result),
      () => callback(null, [[], line.split(/\s+/).pop() ?? ""]),
    );
  };
}

async function completions(s: Session, line: string): Promise<[string[], string]> {
  const words = line.trimStart().split(/\s+/);
  const current = words.pop() ?? "";
  let candidates: readonly string[];
  if (words.length === 0) {
    candidates = SHELL_COMMAND_LIST;
  } else if (words[0] === "help") {
    candidates = words.length === 1 ? SHELL_COMMAND_LIST : [];
  } else if (words[0] === "tail" && words.length === 2) {
    candidates = ["stdout", "stderr"];
  } else if (words[0] === "alert") {
    candidates = ["test"];
  } else if (words[0] === "completion") {
    candidates = ["bash", "zsh"];
  } else if (NAME_COMMANDS_LIST.includes(words[0]!) && !current.startsWith("-")) {
    candidates = namesFrom(await (await s.client()).call("status", {}));
  } else {
    candidates = [];
  }
  const hits = candidates.filter((c) => c.startsWith(current));
  // readline inserts a unique match as is: add the space so the next word can follow at once.
  return [hits.length === 1 ? [`${hits[0]} `] : hits, current];
}
