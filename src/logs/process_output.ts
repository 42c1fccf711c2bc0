/**
 * Output capture of one process instance (docs/lifecycle.md "Exits and output"): each stream
 * goes to its file (shared, rotated) and/or the 64 KiB in-memory tail, byte-exact, with losses
 * counted and reported once per episode.
 */
import type { OutputTarget } from "../config/types.ts";
import type { StreamName } from "../protocol/types.ts";
import type { FileRegistry } from "./file_registry.ts";
import { ByteRing } from "./ring_buffer.ts";
import type { SharedLogFile, WriteOutcome } from "./rotating_file.ts";
import { type Pump, pumpStream } from "./stream_pump.ts";
import type { FollowOptions, OutputHooks, ProcessOutput, StdioMode } from "./types.ts";

/** What {@link createProcessOutput} needs. */
export interface ProcessOutputOptions {
  /** Process name (`web:0`), for loss reports. */
  readonly process: string;
  readonly stdout: OutputTarget;
  readonly stderr: OutputTarget;
  readonly logmaxbytes: number;
  readonly logbackups: number;
  readonly files: FileRegistry;
  readonly hooks: OutputHooks;
  /**
   * The program has a `log` ready check: a `none` stream is still piped and its lines kept
   * for the check only (never in tails or files).
   */
  readonly forChecks?: boolean;
}

/**
 * Creates the output capture of one process instance and opens its log files now, so that an
 * unopenable file shows up at spawn time.
 * @throws LogOpenError (from `files.acquire`) when a configured file cannot be opened; nothing
 *   stays acquired in that case.
 */
export function createProcessOutput(options: ProcessOutputOptions): ProcessOutput {
  const stdout = openStream(options, "stdout", options.stdout);
  let stderr;
  try {
    stderr = openStream(options, "stderr", options.stderr);
  } catch (error) {
    if (stdout.file) options.files.release(stdout.file);
    throw error;
  }
  return new CapturedOutput(options, stdout, stderr);
}

interface StreamState {
  readonly name: StreamName;
  readonly ring: ByteRing | null;
  readonly file: SharedLogFile | null;
  /** A `none` stream piped only for a `log` ready check: hidden from tails and follows. */
  readonly hidden: boolean;
  /** True while writes keep being dropped: one report per episode. */
  inLoss: boolean;
}

function openStream(
  options: ProcessOutputOptions,
  name: StreamName,
  target: OutputTarget,
): StreamState {
  if (target.kind === "none") {
    return options.forChecks === true
      ? { name, ring: new ByteRing(), file: null, hidden: true, inLoss: false }
      : { name, ring: null, file: null, hidden: false, inLoss: false };
  }
  const file = target.kind === "file"
    ? options.files.acquire(target.path, {
      maxBytes: options.logmaxbytes,
      backups: options.logbackups,
    })
    : null;
  return { name, ring: new ByteRing(), file, hidden: false, inLoss: false };
}

const EMPTY = new Uint8Array(0);

class CapturedOutput implements ProcessOutput {
  readonly #options: ProcessOutputOptions;
  readonly #streams: Record<StreamName, StreamState>;
  #pumps = new Set<Pump>();
  #lost = 0;
  #closing: Promise<void> | null = null;

  constructor(options: ProcessOutputOptions, stdout: StreamState, stderr: StreamState) {
    this.#options = options;
    this.#streams = { stdout, stderr };
  }

  get lostBytes(): number {
    return this.#lost;
  }

  stdio(stream: StreamName): StdioMode {
    return this.#streams[stream].ring === null ? "null" : "piped";
  }

  attach(
    stdout: ReadableStream<Uint8Array> | null,
    stderr: ReadableStream<Uint8Array> | null,
  ): Promise<void> {
    const done: Promise<void>[] = [];
    for (
      const [state, stream] of [[this.#streams.stdout, stdout], [
        this.#streams.stderr,
        stderr,
      ]] as const
    ) {
      if (!stream) continue;
      if (state.ring === null || this.#closing) {
        // Nobody wants these bytes: release the pipe instead of leaking its fd.
        stream.cancel().catch(ignoreCancelFailure);
        continue;
      }
      const pump = pumpStream(stream, {
        ring: state.ring,
        file: state.file,
        lineAligned: state.file !== null && this.#options.files.isShared(state.file),
        onOutcome: (outcome) => this.#account(state, outcome),
      });
      this.#pumps.add(pump);
      done.push(pump.done.then(() => void this.#pumps.delete(pump)));
    }
    return Promise.all(done).then(() => undefined);
  }

  detach(): void {
    for (const pump of this.#pumps) pump.cancel();
  }

  tail(stream: StreamName): Uint8Array {
    const state = this.#streams[stream];
    return state.hidden ? EMPTY : state.ring?.snapshot() ?? EMPTY;
  }

  follow(
    stream: StreamName,
    listener: (chunk: Uint8Array) => void,
    options: FollowOptions = {},
  ): () => void {
    const state = this.#streams[stream];
    if (state.ring === null || (state.hidden && options.forChecks !== true)) return () => {};
    return state.ring.subscribe(listener);
  }

  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    // Normally every spawn ended already; a pipe still held by a grandchild is cut here.
    const pumps = [...this.#pumps];
    this.detach();
    await Promise.all(pumps.map((pump) => pump.done));
    for (const state of [this.#streams.stdout, this.#streams.stderr]) {
      if (state.file) this.#options.files.release(state.file);
    }
  }

  #account(state: StreamState, outcome: WriteOutcome): void {
    if (outcome.status === "written") {
      state.inLoss = false;
      return;
    }
    if (outcome.status !== "dropped" || outcome.bytes === 0) return;
    this.#lost += outcome.bytes;
    if (state.inLoss) return;
    state.inLoss = true;
    try {
      this.#options.hooks.onLoss({
        process: this.#options.process,
        stream: state.name,
        bytes: outcome.bytes,
        reason: outcome.reason,
      });
    } catch (error) {
      // The reporter is the daemon's own event/alert path, so there is nowhere left to report
      // its failure; capture must go on (rethrowing would end the daemon) and the loss stays
      // visible through lostBytes.
      void error;
    }
  }
}

/** Cancelling a pipe that already closed has nothing left to release. */
function ignoreCancelFailure(_error: unknown): void {
  return;
}
