/**
 * A small in-memory {@link SupervisorApi} for handler-level reliability tests and the API fuzzer.
 * Program names resolve through a `Map` (never a plain object), exactly as the real supervisor
 * must: an unknown name, including `__proto__` or `constructor`, is a `BAD_NAME` error.
 */
import { EventHub } from "../../../src/events.ts";
import { ProtocolError } from "../../../src/protocol/errors.ts";
import type {
  ActionResult,
  DaemonInfo,
  ProcessStatus,
  ReloadResult,
  StreamName,
} from "../../../src/protocol/types.ts";
import type { SupervisorApi } from "../../../src/supervisor/api.ts";

/** A fake supervisor with processes `web`, `worker:0`, `worker:1`; counts every call. */
export class FakeSupervisor implements SupervisorApi {
  readonly events = new EventHub();
  /** How many times each method was called (to prove hostile input reached nothing). */
  readonly calls = new Map<string, number>();
  #procs = new Map<string, ProcessStatus>();

  constructor() {
    for (
      const [name, program, index] of [["web", "web", 0], ["worker:0", "worker", 0], [
        "worker:1",
        "worker",
        1,
      ]] as const
    ) {
      this.#procs.set(name, {
        name,
        program,
        index,
        state: "RUNNING",
        pid: 1000 + this.#procs.size,
        exitCode: null,
        signal: null,
        since: new Date(0).toISOString(),
        restarts: 0,
        description: "",
      });
    }
    this.events.emit("INFO", "daemon-start", null, { pid: 1 });
  }

  #count(method: string): void {
    this.calls.set(method, (this.calls.get(method) ?? 0) + 1);
  }

  /** Resolves names like the real supervisor: `prog`, `prog:N`, `all`; BAD_NAME otherwise. */
  #resolve(names: readonly string[]): ProcessStatus[] {
    if (names.length === 0 || names.includes("all")) return [...this.#procs.values()];
    const out: ProcessStatus[] = [];
    const unknown: string[] = [];
    for (const name of names) {
      const direct = this.#procs.get(name) ?? this.#procs.get(name.replace(/:0$/, ""));
      const group = [...this.#procs.values()].filter((p) => p.program === name && p.name !== name);
      if (direct) out.push(direct);
      else if (group.length > 0) out.push(...group);
      else unknown.push(name);
    }
    if (unknown.length > 0) {
      throw new ProtocolError("BAD_NAME", `no such process: ${unknown.join(", ")}`);
    }
    return out;
  }

  #act(names: readonly string[], message: string): ActionResult[] {
    return this.#resolve(names).map((p) => ({ name: p.name, ok: true, state: p.state, message }));
  }

  /** See {@link SupervisorApi.status}. */
  status(names: readonly string[]): ProcessStatus[] {
    this.#count("status");
    return this.#resolve(names).map((p) => ({ ...p }));
  }
  /** See {@link SupervisorApi.start}. */
  start(names: readonly string[]): Promise<ActionResult[]> {
    this.#count("start");
    return Promise.resolve(this.#act(names, "already started"));
  }
  /** See {@link SupervisorApi.stop}. */
  stop(names: readonly string[]): Promise<ActionResult[]> {
    this.#count("stop");
    return Promise.resolve(this.#act(names, "stopped"));
  }
  /** See {@link SupervisorApi.restart}. */
  restart(names: readonly string[]): Promise<ActionResult[]> {
    this.#count("restart");
    return Promise.resolve(this.#act(names, "started"));
  }
  /** See {@link SupervisorApi.signal}. */
  signal(signal: string, names: readonly string[]): ActionResult[] {
    this.#count("signal");
    if (!/^(SIG)?(TERM|INT|QUIT|HUP|KILL|USR1|USR2)$/i.test(signal)) {
      throw new ProtocolError("BAD_REQUEST", `signal: unknown signal`);
    }
    return this.#act(names, "signalled");
  }
  /** See {@link SupervisorApi.reload}. */
  reload(_options: { dryRun: boolean }): Promise<ReloadResult> {
    this.#count("reload");
    return Promise.resolve({ added: [], changed: [], removed: [], unchanged: ["web", "worker"] });
  }
  /** See {@link SupervisorApi.shutdown}: the fake never shuts down, it only counts. */
  shutdown(): Promise<void> {
    this.#count("shutdown");
    return Promise.resolve();
  }
  /** See {@link SupervisorApi.info}. */
  info(): DaemonInfo {
    this.#count("info");
    return {
      version: "0.0.0",
      apiVersion: 1,
      pid: 1,
      startedAt: new Date(0).toISOString(),
      uptimeSeconds: 1,
      configFile: "/dev/null",
      lastReload: null,
      httpUrl: null,
      httpError: null,
      logLossBytes: 0,
      alerts: { sent: 0, failed: 0, dropped: 0 },
    };
  }
  /** See {@link SupervisorApi.tail}. */
  tail(name: string, _stream: StreamName): Uint8Array {
    this.#count("tail");
    this.#resolve([name]);
    return new TextEncoder().encode("line 1\nline 2\n");
  }
  /** See {@link SupervisorApi.followOutput}. */
  followOutput(name: string, _stream: StreamName, _listener: (c: Uint8Array) => void): () => void {
    this.#count("followOutput");
    this.#resolve([name]);
    return () => {};
  }
  /** See {@link SupervisorApi.writeStdin}. */
  writeStdin(name: string, data: Uint8Array): Promise<number> {
    this.#count("writeStdin");
    this.#resolve([name]);
    return Promise.resolve(data.byteLength);
  }
  /** See {@link SupervisorApi.alertTest}. */
  alertTest(): Promise<string> {
    this.#count("alertTest");
    return Promise.resolve("250 ok");
  }
}
