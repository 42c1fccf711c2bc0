/** A fully resolved ProgramSpec for supervisor tests, with overridable fields. */
import type { ProgramSpec } from "../../../src/config/types.ts";

/** Builds a spec with supervisord defaults; `patch` overrides any field. */
export function makeSpec(patch: Partial<ProgramSpec> = {}): ProgramSpec {
  return {
    name: "web",
    argv: ["/bin/true"],
    numprocs: 1,
    umask: null,
    workingdir: null,
    autostart: true,
    autorestart: "unexpected",
    exitcodes: [0],
    startretries: 3,
    starttime: 1,
    stopsignal: "SIGTERM",
    stoptime: 10,
    stdout: { kind: "memory" },
    stderr: { kind: "memory" },
    logmaxbytes: 50 * 1024 * 1024,
    logbackups: 10,
    env: {},
    identity: null,
    maxrestartdelay: 60,
    order: 0,
    ...patch,
  };
}
