/**
 * Signal names as Deno spells them (`"SIGTERM"`), the one list of each kind: the signals a
 * program may stop with (`stopsignal`, the pids file) and the ones `signal` may send.
 */

/** Signals accepted as `stopsignal`, in the order error messages list them. */
export const STOP_SIGNALS = [
  "SIGTERM",
  "SIGINT",
  "SIGQUIT",
  "SIGHUP",
  "SIGKILL",
  "SIGUSR1",
  "SIGUSR2",
] as const;

/** One of {@link STOP_SIGNALS}. */
export type StopSignal = typeof STOP_SIGNALS[number];

/** Signals the `signal` command may send: the stop signals plus job control and a few more. */
export const SENDABLE_SIGNALS = [
  ...STOP_SIGNALS,
  "SIGSTOP",
  "SIGCONT",
  "SIGALRM",
  "SIGWINCH",
  "SIGTSTP",
  "SIGTTIN",
  "SIGTTOU",
  "SIGPIPE",
] as const;

/** One of {@link SENDABLE_SIGNALS}. */
export type SendableSignal = typeof SENDABLE_SIGNALS[number];

/** True when `value` is a valid `stopsignal`. */
export function isStopSignal(value: unknown): value is StopSignal {
  return typeof value === "string" && (STOP_SIGNALS as readonly string[]).includes(value);
}

/**
 * The `signal` command's argument as a signal it may send: any case, with or without `SIG`
 * (`hup`, `SIGHUP`); null when it is not one of {@link SENDABLE_SIGNALS}.
 */
export function parseSendableSignal(text: string): SendableSignal | null {
  const upper = text.toUpperCase();
  const name = upper.startsWith("SIG") ? upper : `SIG${upper}`;
  return isSendableSignal(name) ? name : null;
}

/** True when the `signal` command may send `value`. */
export function isSendableSignal(value: unknown): value is SendableSignal {
  return typeof value === "string" && (SENDABLE_SIGNALS as readonly string[]).includes(value);
}
