/**
 * Test harness for supervisor integration tests: real spawner, a draining ProcessOutput kept in
 * memory, configs built from specs, and event waits with deadlines.
 */
import type { Config, LoadResult, ProgramSpec } from "../../../src/config/types.ts";
import { EventHub } from "../../../src/events.ts";
import type { ProcessOutput } from "../../../src/logs/types.ts";
import type { LogEvent, StreamName } from "../../../src/protocol/types.ts";
import { Supervisor } from "../../../src/supervisor/supervisor.ts";
import { killTree } from "../../helpers/wait_for.ts";
import { makeSpec } from "../../helpers/specs.ts";

/** Absolute path of a fixture program. */
export function bin(name: string): string {
  return new URL(`../../fixtures/bin/${name}`, import.meta.url).pathname;
}

/** A spec for tests: quick starttime and stoptime unless overridden. */
export function spec(name: string, argv: string[], patch: Partial<ProgramSpec> = {}): ProgramSpec {
  return makeSpec({ name, argv, starttime: 0, stoptime: 2, ...patch });
}

/** A config holding `programs` (orders assigned). */
export function config(programs: ProgramSpec[], secretEnv: string[] = []): Config {
  return {
    file: "test.yaml",
    path: "/tmp/test.yaml",
    daemon: {
      logfile: null,
      logmaxbytes: 0,
      logbackups: 0,
      email: [],
      socket: "/tmp/test.sock",
      http: null,
      smtp: {} as Config["daemon"]["smtp"],
      alerts: {} as Config["daemon"]["alerts"],
      secretEnv,
      literalSecrets: [],
      statefile: null,
    },
    programs: programs.map((p, order) => ({ ...p, order })),
  };
}

/** An in-memory ProcessOutput that drains both streams into text. */
export class MemoryOutput implements ProcessOutput {
  text: Record<StreamName, string> = { stdout: "", stderr: "" };
  #listeners = new Set<(chunk: Uint8Array) => void>();
  #readers: ReadableStreamDefaultReader<Uint8Array>[] = [];
  lostBytes = 0;
  stdio() {
    return "piped" as const;
  }
  async attach(
    stdout: ReadableStream<Uint8Array> | null,
    stderr: ReadableStream<Uint8Array> | null,
  ) {
    await Promise.all([this.#pump("stdout", stdout), this.#pump("stderr", stderr)]);
  }
  async #pump(name: StreamName, stream: ReadableStream<Uint8Array> | null) {
    if (stream === null) return;
    const reader = stream.getReader();
    this.#readers.push(reader);
    const decoder = new TextDecoder();
    try {
      while (true) {
        const { value, done } = await reader.read();
        if (done) break;
        this.text[name] += decoder.decode(value, { stream: true });
        for (const l of this.#listeners) l(value);
      }
    } catch (error) {
      // Cancelled by detach(): the remaining bytes are deliberately dropped.
      if (!(error instanceof TypeError) && !String(error).includes("cancel")) throw error;
    } finally {
      reader.releaseLock();
    }
  }
  detach() {
    for (const r of this.#readers) r.cancel().catch(() => undefined);
    this.#readers = [];
  }
  tail(stream: StreamName) {
    return new TextEncoder().encode(this.text[stream]);
  }
  follow(_stream: StreamName, listener: (chunk: Uint8Array) => void) {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
  close() {
    return Promise.resolve();
  }
}

/** A supervisor under test with its hub, outputs and a swappable next config. */
export interface Rig {
  sup: Supervisor;
  hub: EventHub;
  outputs: Map<string, MemoryOutput>;
  /** What the next reload loads. */
  next: LoadResult;
  /** Events of one kind for one process so far. */
  events(event: string, process?: string): LogEvent[];
  /** Waits until `count` events match; rejects after `timeoutMs`. */
  waitEvent(
    event: string,
    process: string | undefined,
    count?: number,
    timeoutMs?: number,
  ): Promise<LogEvent>;
  /** Stops everything and kills any stray pid. */
  close(): Promise<void>;
}

/** Builds a supervisor on `cfg` with the real spawner. */
export function rig(cfg: Config, options: { pidsPath?: string } = {}): Rig {
  const hub = new EventHub();
  const outputs = new Map<string, MemoryOutput>();
  const seen = new Set<number>();
  hub.subscribe((e) => {
    if (e.event === "spawned" && typeof e.fields.pid === "number") seen.add(e.fields.pid);
  });
  const r: Rig = {
    hub,
    outputs,
    next: { ok: true, config: cfg },
    sup: undefined as unknown as Supervisor,
    events: (event, process) =>
      hub.recent().filter((e) =>
        e.event === event && (process === undefined || e.process === process)
      ),
    waitEvent: (event, process, count = 1, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const found = r.events(event, process);
          if (found.length >= count) {
            done();
            resolve(found[count - 1] as LogEvent);
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`timed out waiting for ${count}× ${event} of ${process}`));
        }, timeoutMs);
        const unsubscribe = hub.subscribe(check);
        const done = () => {
          clearTimeout(timer);
          unsubscribe();
        };
        check();
      }),
    close: async () => {
      await r.sup.shutdown();
      for (const pid of seen) killTree(pid);
    },
  };
  r.sup = new Supervisor({
    config: cfg,
    hub,
    createOutput: (_spec, name) => {
      const out = new MemoryOutput();
      outputs.set(name, out);
      return out;
    },
    loadConfig: () => Promise.resolve(r.next),
    ...(options.pidsPath === undefined ? {} : { pidsPath: options.pidsPath }),
  });
  return r;
}

/** Runs `body` with a rig and always cleans up. */
export async function withRig(
  cfg: Config,
  body: (r: Rig) => Promise<void>,
  options: { pidsPath?: string } = {},
): Promise<void> {
  const r = rig(cfg, options);
  try {
    await body(r);
  } finally {
    await r.close();
  }
}

/** The /proc/PID/status fields of interest. */
export function procStatus(pid: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of Deno.readTextFileSync(`/proc/${pid}/status`).split("\n")) {
    const [k, v] = line.split(":\t");
    if (k !== undefined && v !== undefined) out[k] = v.trim();
  }
  return out;
}
