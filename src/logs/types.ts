/**
 * Contracts between the supervisor and the output-capture layer (`src/logs/`). The supervisor
 * creates one {@link ProcessOutput} per process instance and hands it the child's piped streams
 * after every spawn; the web page and control API read tails and follow live output through it.
 */
import type { StreamName } from "../protocol/types.ts";

/** Bytes of each stream kept in memory for `tail` (docs/lifecycle.md "Exits and output"). */
export const TAIL_BYTES = 64 * 1024;

/** What happens to one stream: how the child's stdio must be set up for it. */
export type StdioMode = "piped" | "null";

/** Output capture of one process instance across its restarts. */
/** How {@link ProcessOutput.follow} listens. */
export interface FollowOptions {
  /**
   * Also a `none` stream read only for a `log` ready check (docs/lifecycle.md "Ready checks");
   * such a stream is never shown to people (no tail, no follow without this).
   */
  readonly forChecks?: boolean;
}

export interface ProcessOutput {
  /** How to configure the child's stdout/stderr at spawn (`"null"` only for `none`). */
  stdio(stream: StreamName): StdioMode;
  /**
   * Pumps one spawn's streams into the configured sinks (file, memory tail). Resolves once
   * both streams reached EOF and every byte was written or counted as lost. Never rejects.
   * Pass null for a stream spawned with `"null"`.
   */
  attach(
    stdout: ReadableStream<Uint8Array> | null,
    stderr: ReadableStream<Uint8Array> | null,
  ): Promise<void>;
  /** Stops pumping the current spawn's streams (cancels readers); used 1 s after exit. */
  detach(): void;
  /** The last ≤ {@link TAIL_BYTES} bytes of a stream (empty for `none`). */
  tail(stream: StreamName): Uint8Array;
  /** Live chunks of a stream as they are captured; returns the unsubscribe function. */
  follow(
    stream: StreamName,
    listener: (chunk: Uint8Array) => void,
    options?: FollowOptions,
  ): () => void;
  /** Bytes dropped so far (failed or stalled writes), both streams. */
  readonly lostBytes: number;
  /** Closes files (after the last spawn of this instance ended). Idempotent. */
  close(): Promise<void>;
}

/** Reports of the output layer to the rest of the daemon (event log, alerts, info). */
export interface OutputHooks {
  /** Called once per loss episode (not per chunk) with the bytes dropped and the reason. */
  onLoss(info: { process: string; stream: StreamName; bytes: number; reason: string }): void;
}
