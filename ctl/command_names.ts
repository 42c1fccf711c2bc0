/** Command names shared by the shell completer and the completion scripts (no commander import). */

/** Visible commands, in help order. */
export const SHELL_COMMAND_LIST: readonly string[] = [
  "status",
  "start",
  "stop",
  "restart",
  "reset",
  "deps",
  "reload",
  "exit",
  "shutdown",
  "quit",
  "tail",
  "log",
  "pid",
  "signal",
  "info",
  "version",
  "help",
  "alert",
  "export",
  "attach",
  "completion",
];

/** Commands whose arguments are process names. */
export const NAME_COMMANDS_LIST: readonly string[] = [
  "status",
  "start",
  "stop",
  "restart",
  "reset",
  "tail",
  "pid",
  "signal",
  "attach",
];
