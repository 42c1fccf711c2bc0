/**
 * Controller failures and their exit codes (docs/cli.md "Exit codes of taskmasterctl"): 1 the
 * command failed, 2 usage error, 3 daemon not reachable.
 */
import type { ErrorCode } from "../src/protocol/errors.ts";

/** Exit codes of taskmasterctl. */
export const EXIT = { ok: 0, failed: 1, usage: 2, unreachable: 3 } as const;

/** A failure that ends a command with `exitCode` and prints `message` as one stderr line. */
export class CtlError extends Error {
  /** Process exit code for this failure. */
  readonly exitCode: number;
  constructor(exitCode: number, message: string) {
    super(message);
    this.exitCode = exitCode;
    this.name = "CtlError";
  }
}

/** Exit code for an error code the daemon answered with. */
export function exitCodeFor(code: ErrorCode | string): number {
  switch (code) {
    case "BAD_REQUEST":
    case "UNKNOWN_COMMAND":
    case "TOO_LARGE":
      return EXIT.usage;
    default:
      return EXIT.failed;
  }
}
