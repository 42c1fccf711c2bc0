/**
 * A {@link ProbeOs} for unit tests: every connect and GET waits until the test answers it (or
 * answers at once with a preset reply); exec checks go to a {@link FakeSpawner}.
 */
import type { ProbeConn, ProbeOs } from "../../src/checks/types.ts";
import { FakeSpawner } from "./fake_spawner.ts";

/** One pending connect or GET the test settles. */
export interface PendingCall<T> {
  readonly what: string;
  readonly signal: AbortSignal | null;
  resolve(value: T): void;
  reject(error: Error): void;
}

/** An error shaped like Deno's (`name` = ConnectionRefused…). */
export function osError(name: string, message = name): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

/** Fake sockets: counts opened and closed connections. */
export class FakeProbeOs implements ProbeOs {
  readonly spawner: FakeSpawner;
  readonly connects: PendingCall<ProbeConn>[] = [];
  readonly gets: PendingCall<number>[] = [];
  opened = 0;
  closed = 0;
  /** When set, every connect settles at once with it (an Error rejects). */
  connectReply: "ok" | Error | null = null;
  /** When set, every GET settles at once with it (an Error rejects). */
  getReply: number | Error | null = null;

  constructor(spawner = new FakeSpawner()) {
    this.spawner = spawner;
  }

  connect(host: string, port: number, signal: AbortSignal): Promise<ProbeConn> {
    return new Promise((resolve, reject) => {
      const call: PendingCall<ProbeConn> = {
        what: `${host}:${port}`,
        signal,
        resolve: (conn) => {
          this.opened++;
          resolve(conn);
        },
        reject,
      };
      if (this.connectReply === "ok") call.resolve(this.conn());
      else if (this.connectReply !== null) reject(this.connectReply);
      else this.connects.push(call);
    });
  }

  /** A connection that counts its close. */
  conn(): ProbeConn {
    return { close: () => this.closed++ };
  }

  httpGet(url: string, options: { tlsverify: boolean; signal: AbortSignal }): Promise<number> {
    return new Promise((resolve, reject) => {
      if (typeof this.getReply === "number") return resolve(this.getReply);
      if (this.getReply !== null) return reject(this.getReply);
      options.signal.addEventListener("abort", () => reject(new Error("aborted")));
      this.gets.push({ what: url, signal: options.signal, resolve, reject });
    });
  }
}
