/**
 * How a failed command line ends (docs/cli.md "Exit codes of taskmasterctl"): one stderr line
 * and its exit code. Shared by commander's runner and the fast path so both end alike.
 */
import { CtlError, EXIT } from "./errors.ts";
import type { Session } from "./session.ts";

/** Prints `error` as one `taskmasterctl:` line and returns its exit code (1 unless a CtlError). */
export function reportFailure(session: Session, error: unknown): number {
  if (error instanceof CtlError) {
    session.err(`taskmasterctl: ${error.message}\n`);
    return error.exitCode;
  }
  session.err(`taskmasterctl: ${error instanceof Error ? error.message : String(error)}\n`);
  return EXIT.failed;
}
