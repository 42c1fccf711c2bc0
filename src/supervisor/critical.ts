/**
 * Pure policy of critical programs (docs/lifecycle.md "Critical programs"): given how an instance
 * ended, whether that ends the daemon and with which exit code. The instance reports the facts,
 * the supervisor adds whether a shutdown is under way, the daemon acts on the decision. No Deno
 * APIs, no clock.
 */
import type { CriticalMode } from "../config/types.ts";
import { describeExit } from "./policy.ts";
import type { ExitInfo, ProcState } from "./states.ts";

/** How an instance ended, as the instance saw it. */
export type Ending =
  /** The child exited; `from` is the state it was in (STARTING, RUNNING or STOPPING). */
  | {
    readonly kind: "exit";
    readonly from: ProcState;
    readonly exit: ExitInfo;
    readonly expected: boolean;
  }
  /**
   * The instance entered FATAL. `cause`: the last start attempt exited (`exit`), could not be
   * spawned at all (`spawn-error`), or the daemon itself gave up on it (`daemon`: reserved for
   * dependency failures and ready deadlines). `lastExit`/`expected` describe the last exit seen.
   */
  | {
    readonly kind: "fatal";
    readonly cause: "exit" | "spawn-error" | "daemon";
    readonly lastExit: ExitInfo | null;
    readonly expected: boolean;
    readonly reason: string;
  };

/** Everything the decision reads. */
export interface CriticalFacts {
  readonly mode: CriticalMode | false;
  readonly ending: Ending;
  /** The operator caused it: a `signal` to this process less than `stoptime` before the exit. */
  readonly operatorCaused: boolean;
  /** A daemon shutdown (or an earlier critical trigger) is already under way. */
  readonly shuttingDown: boolean;
}

/** A trigger: the daemon shuts down and exits with `exitCode`; `reason` says why, for people. */
export interface CriticalDecision {
  readonly mode: CriticalMode;
  readonly exitCode: number;
  readonly reason: string;
  /** The program's own last exit (null when it never ran or the daemon ended it). */
  readonly code: number | null;
  readonly signal: string | null;
}

/** Exit code when the program could never be spawned (as a shell says for "command not found"). */
export const NEVER_SPAWNED_EXIT = 127;
/** Exit code when the daemon itself ended the program (dependency failure, ready deadline). */
export const DAEMON_ENDED_EXIT = 1;

/** Whether `facts` end the daemon, and how; null when they do not. */
export function criticalDecision(facts: CriticalFacts): CriticalDecision | null {
  const { mode, ending } = facts;
  if (mode === false || facts.shuttingDown || facts.operatorCaused) return null;
  if (ending.kind === "fatal") return fatalDecision(mode, ending);
  // Only an exit on its own counts: from STARTING it is a failed start (it matters once it ends
  // in FATAL), from STOPPING the stop caused it.
  if (ending.from !== "RUNNING") return null;
  if (mode === "fatal" || (mode === "unexpected" && ending.expected)) return null;
  const exit = ending.exit;
  return {
    mode,
    exitCode: ending.expected ? 0 : exitCodeOf(exit),
    reason: `${describeExit(exit)} (${ending.expected ? "expected" : "unexpected"})`,
    code: exit.code,
    signal: exit.signal,
  };
}

/** A FATAL never exits 0: the last unexpected exit's code, else 127 or 1 (docs/cli.md). */
function fatalDecision(
  mode: CriticalMode,
  ending: Extract<Ending, { kind: "fatal" }>,
): CriticalDecision {
  const last = ending.lastExit;
  let exitCode: number;
  if (ending.cause === "daemon") exitCode = DAEMON_ENDED_EXIT;
  else if (ending.cause === "spawn-error") exitCode = NEVER_SPAWNED_EXIT;
  else if (last === null || ending.expected) exitCode = DAEMON_ENDED_EXIT;
  else exitCode = exitCodeOf(last);
  const own = ending.cause === "daemon" ? null : last;
  return {
    mode,
    exitCode,
    reason: `gave up: ${ending.reason}`,
    code: own?.code ?? null,
    signal: own?.signal ?? null,
  };
}

/** The program's exit code, or 128 + the signal's number when a signal ended it. */
export function exitCodeOf(exit: ExitInfo): number {
  if (exit.signal !== null) return 128 + signalNumber(exit.signal);
  return exit.code ?? DAEMON_ENDED_EXIT;
}

/** Linux signal numbers (what a shell reports as 128 + N). */
const SIGNAL_NUMBERS: Readonly<Record<string, number>> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGILL: 4,
  SIGTRAP: 5,
  SIGABRT: 6,
  SIGIOT: 6,
  SIGBUS: 7,
  SIGFPE: 8,
  SIGKILL: 9,
  SIGUSR1: 10,
  SIGSEGV: 11,
  SIGUSR2: 12,
  SIGPIPE: 13,
  SIGALRM: 14,
  SIGTERM: 15,
  SIGSTKFLT: 16,
  SIGCHLD: 17,
  SIGCONT: 18,
  SIGSTOP: 19,
  SIGTSTP: 20,
  SIGTTIN: 21,
  SIGTTOU: 22,
  SIGURG: 23,
  SIGXCPU: 24,
  SIGXFSZ: 25,
  SIGVTALRM: 26,
  SIGPROF: 27,
  SIGWINCH: 28,
  SIGIO: 29,
  SIGPOLL: 29,
  SIGPWR: 30,
  SIGSYS: 31,
};

/**
 * The number of a signal name (`SIGKILL` → 9). An unknown name (a real-time signal) maps to 0, so
 * the daemon still exits above 128 and says which signal in the `critical-exit` event.
 */
export function signalNumber(name: string): number {
  const upper = name.toUpperCase();
  return SIGNAL_NUMBERS[upper.startsWith("SIG") ? upper : `SIG${upper}`] ?? 0;
}
