/**
 * `attach NAME`: relays the terminal to a process (docs/cli.md "Commands"): keystrokes go to its
 * stdin through the `stdin` command, its stdout and stderr are followed through `/v1/output`. The
 * detach key (Ctrl-]) returns; the process keeps running. No pseudo-terminal is involved.
 */
import { CtlError, EXIT } from "./errors.ts";
import type { Session } from "./session.ts";

/** The detach byte (Ctrl-], as telnet and docker use). */
export const DETACH_KEY = 0x1d;
/** How help names the detach key. */
export const DETACH_KEY_NAME = "Ctrl-]";

/** Attaches to one process until the detach key, stdin EOF, or the output streams end. */
export async function attach(s: Session, name: string): Promise<void> {
  const client = await s.client();
  const matches = await client.call("status", { names: [name] });
  if (matches.length !== 1) {
    throw new CtlError(
      EXIT.usage,
      `attach needs one process; ${name} is ${matches.map((p) => p.name).join(", ")}`,
    );
  }
  const target = matches[0]!.name;
  s.err(`attached to ${target}; detach with ${DETACH_KEY_NAME}\r\n`);
  const stop = new AbortController();
  const decoder = { stdout: new TextDecoder(), stderr: new TextDecoder() };
  const follow = async (stream: "stdout" | "stderr") => {
    try {
      for await (
        const item of client.stream("output", { name: target, stream, follow: "1" }, stop.signal)
      ) {
        const bytes = fromBase64((item as { data: string }).data);
        const text = decoder[stream].decode(bytes, { stream: true });
        // Deno's raw mode keeps output post-processing (ONLCR), so text is written unchanged.
        if (stream === "stdout") s.out(text);
        else s.err(text);
      }
    } catch (error) {
      if (!stop.signal.aborted) throw error;
    }
  };
  const outputs = Promise.all([follow("stdout"), follow("stderr")]);
  outputs.catch(() => {/* reported below once the relay ends */});
  try {
    await relayInput(s, (chunk) => client.call("stdin", { name: target, data: toBase64(chunk) }));
  } finally {
    stop.abort();
  }
  await outputs.catch((error) => {
    throw error instanceof CtlError ? error : new CtlError(EXIT.failed, String(error));
  });
  s.err(`\r\ndetached from ${target}\n`);
}

/** Sends input chunks in order until the detach key or EOF; rejects if a send fails. */
function relayInput(s: Session, send: (chunk: Uint8Array) => Promise<unknown>): Promise<void> {
  const input = s.rawInput ?? stdinInput(s.stdinIsTerminal);
  return new Promise<void>((resolve, reject) => {
    let queue: Promise<unknown> = Promise.resolve();
    let done = false;
    const finish = (error?: unknown) => {
      if (done) return;
      done = true;
      stopInput();
      queue.then(() => error === undefined ? resolve() : reject(error), reject);
    };
    const stopInput = input((bytes) => {
      if (done) return;
      if (bytes === null) return finish();
      const detachAt = bytes.indexOf(DETACH_KEY);
      const chunk = detachAt >= 0 ? bytes.subarray(0, detachAt) : bytes;
      if (chunk.length > 0) {
        const copy = chunk.slice();
        queue = queue.then(() => send(copy));
        queue.catch((error) => finish(error));
      }
      if (detachAt >= 0) finish();
    });
  });
}

/** One-shot input: Deno.stdin in raw mode (when a terminal) until stopped or EOF. */
function stdinInput(raw: boolean) {
  return (onData: (bytes: Uint8Array | null) => void) => {
    let stopped = false;
    if (raw) Deno.stdin.setRaw(true);
    const restore = () => {
      if (raw) Deno.stdin.setRaw(false);
      raw = false;
    };
    (async () => {
      const buffer = new Uint8Array(4096);
      while (!stopped) {
        const n = await Deno.stdin.read(buffer);
        if (stopped) break;
        onData(n === null ? null : buffer.subarray(0, n));
        if (n === null) break;
      }
    })().catch((error) => {
      console.error(`taskmasterctl: reading stdin failed: ${error}`);
      onData(null);
    });
    return () => {
      // A pending read cannot be cancelled; one-shot mode exits right after detaching.
      stopped = true;
      restore();
    };
  };
}

function fromBase64(text: string): Uint8Array {
  const raw = atob(text);
  const out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

function toBase64(bytes: Uint8Array): string {
  let raw = "";
  for (const b of bytes) raw += String.fromCharCode(b);
  return btoa(raw);
}
