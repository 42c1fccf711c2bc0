/**
 * supervisord `stdout_logfile`/`stderr_logfile` values → Taskmaster `stdout`/`stderr`
 * (docs/import.md "Output files"): `NONE` → `none`; `AUTO` → unset (kept in memory) with a note;
 * `/dev/stdout`-like paths → unset with a note, since Taskmaster never writes through a symlink;
 * `syslog` → dropped. Pure.
 */
import type { Note } from "./types.ts";

/** Stop signals Taskmaster accepts (docs/config.md "stopsignal"), bare names. */
export const STOP_SIGNALS_OK = ["TERM", "INT", "QUIT", "HUP", "KILL", "USR1", "USR2"];

const CONSOLE = /^\/(?:dev\/(?:stdout|stderr|fd\/\d+)|proc\/self\/fd\/\d+)$/;

/** The target for one stream, or no value (memory), with the notes it needs. */
export function logTarget(
  value: string | undefined,
  path: string,
): { value?: string; notes: Note[] } {
  if (value === undefined) return { notes: [] };
  const upper = value.toUpperCase();
  if (upper === "NONE") return { value: "none", notes: [] };
  if (upper === "AUTO") {
    return {
      notes: [{
        path,
        kind: "approximate",
        message: "AUTO: kept in memory (taskmasterctl tail, web page) instead of an automatic file",
      }],
    };
  }
  if (value === "/dev/null") return { value: "none", notes: [] };
  if (upper === "SYSLOG") {
    return {
      notes: [{ path, kind: "dropped", message: "syslog output is not supported; kept in memory" }],
    };
  }
  if (CONSOLE.test(value)) {
    return {
      notes: [{
        path,
        kind: "approximate",
        message:
          `${value}: kept in memory (taskmasterctl tail, web page); Taskmaster never writes through a symlink, so it does not reach the daemon's console`,
      }],
    };
  }
  if (!value.startsWith("/")) {
    return {
      value,
      notes: [{
        path,
        kind: "approximate",
        message: `relative path ${value} kept: Taskmaster resolves it against the config's folder`,
      }],
    };
  }
  return { value, notes: [] };
}
