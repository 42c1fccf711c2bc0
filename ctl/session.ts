/**
 * What every command action needs: output writers, the --json switch, colors, the lazily
 * connected client, a confirmation prompt and the exit code of the current command line.
 */
import type { ControlClient } from "./client.ts";
import type { Paint } from "./render.ts";

/** The controller's per-run state shared by one-shot mode and every shell line. */
export interface Session {
  /** Writes to stdout / stderr (no newline added). */
  out(text: string): void;
  err(text: string): void;
  /** Colors for stdout (identity when off). */
  paint: Paint;
  /** True when stdout / stderr / stdin are terminals. */
  stdoutIsTerminal: boolean;
  stderrIsTerminal: boolean;
  stdinIsTerminal: boolean;
  /** True inside the interactive shell. */
  interactive: boolean;
  /** Returns the client, resolving the socket on first use. */
  client(): Promise<ControlClient>;
  /** Asks a yes/no question; resolves false on anything but y/yes. */
  ask(question: string): Promise<boolean>;
  /**
   * Calls `listener` on Ctrl-C while a command runs (a SIGINT in one-shot mode, readline's
   * interrupt in the shell); returns the function that removes it.
   */
  onInterrupt(listener: () => void): () => void;
  /**
   * Raw terminal input for `attach`: calls `onData` with each chunk (null at EOF) until the
   * returned function is called. Unset in one-shot mode (attach then reads Deno.stdin itself);
   * the shell sets it so its readline does not compete for the same bytes.
   */
  rawInput?: (onData: (bytes: Uint8Array | null) => void) => () => void;
  /** Called by `quit`. */
  requestQuit(): void;
  /** Exit code of the command being run; actions set it. */
  exitCode: number;
}
