/**
 * Shared shapes of the readiness and health probes (docs/checks.md): what a probe answers, what
 * it needs from the OS (behind {@link ProbeOs} so unit tests run on fakes), and the identity an
 * exec check runs with.
 */
import type { Clock } from "../clock.ts";
import type { CheckTarget, ProgramSpec } from "../config/types.ts";
import type { Spawner } from "../process/spawner.ts";

/** The verdict of one probe. `message` is shown to people: `HTTP 503`, `timeout after 1s`. */
export interface ProbeResult {
  readonly ok: boolean;
  /** Why it failed, or a short note of what passed (`HTTP 200`, `connected`). */
  readonly message: string;
}

/** The kind of a check, as written in events (`check=tcp`). */
export type CheckKind = CheckTarget["kind"];

/** An open TCP connection, only ever closed by the probe. */
export interface ProbeConn {
  close(): void;
}

/** The OS services probes use; {@link realProbeOs} in os.ts is the real one. */
export interface ProbeOs {
  /**
   * Opens a TCP connection to `host:port`. Rejects with the OS error (its `name`, e.g.
   * `ConnectionRefused`, becomes the code in the message). Aborting `signal` abandons a
   * connect still pending (its socket is released); the caller closes a connection that
   * arrives after the timeout anyway.
   */
  connect(host: string, port: number, signal: AbortSignal): Promise<ProbeConn>;
  /**
   * GETs `url` without following redirects and resolves with the status code as soon as the
   * headers are in; the body is discarded and the connection closed. Rejects with an error
   * whose message says what went wrong; aborting `signal` ends the request and its socket.
   */
  httpGet(url: string, options: { tlsverify: boolean; signal: AbortSignal }): Promise<number>;
  /** Starts exec checks (each in its own process group) and SIGKILLs their groups. */
  readonly spawner: Spawner;
}

/** Who an exec check runs as: the program and the instance it checks. */
export interface ExecIdentity {
  /** The program: uid/gid, umask, workingdir and environment come from it. */
  readonly spec: ProgramSpec;
  /** `web:1`: becomes TASKMASTER_PROCESS_NAME. */
  readonly processName: string;
  /** The instance index: TASKMASTER_PROCESS_NUM. */
  readonly index: number;
  /** Daemon environment names that must not reach children (secret sources). */
  readonly secretEnv: readonly string[];
}

/** What the ready watcher and the health monitor both run their checks with. */
export interface CheckRunnerOptions {
  /** Who exec checks run as; its `index` also resolves `{num}` placeholders. */
  readonly exec: ExecIdentity;
  readonly clock: Clock;
  /** Defaults to the real OS. */
  readonly os?: ProbeOs;
}

/** Everything a probe runner needs besides its target and timeout. */
export interface ProbeContext {
  readonly clock: Clock;
  readonly os: ProbeOs;
  /** Required by exec checks only; null elsewhere. */
  readonly exec: ExecIdentity | null;
  /** Aborting it ends the probe at once (an exec check's group is SIGKILLed). */
  readonly signal?: AbortSignal;
}
