/**
 * `taskmasterd -d`: starts a detached copy of this daemon (own session, no terminal) and returns
 * 0 only once its control socket answers, 1 if the copy exits or does not answer in time.
 */
import { probeSocket } from "./http1/unix_listener.ts";

/** Set in the environment of the detached copy so it knows it has no terminal. */
export const DETACHED_ENV = "TASKMASTER_DETACHED";

/** How long `-d` waits for the detached daemon's socket. */
const READY_TIMEOUT_MS = 15_000;

/** Spawns the detached daemon and waits for its socket; resolves with the exit code for `-d`. */
export async function daemonize(argv: readonly string[], socket: string): Promise<number> {
  // Without this, the live socket of the daemon already running would count as our copy being
  // ready (exit 0) while the copy itself refuses to start.
  if (await probeSocket(socket) === "live") {
    Deno.stderr.writeSync(
      new TextEncoder().encode(
        `taskmasterd: another taskmasterd is already running on ${socket}\n`,
      ),
    );
    return 1;
  }
  const rest = argv.filter((arg) => arg !== "-d" && arg !== "--daemonize");
  const child = new Deno.Command(Deno.execPath(), {
    args: [...selfInvocation(), ...rest],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
    env: { [DETACHED_ENV]: "1" },
    detached: true,
  }).spawn();
  let exited: Deno.CommandStatus | null = null;
  const statusPromise = child.status.then((status) => (exited = status));
  // Keep the first errors of the child (config or refusal) to show them here.
  const errText = readSome(child.stderr);
  const deadline = performance.now() + READY_TIMEOUT_MS;
  while (performance.now() < deadline) {
    if (exited !== null) {
      Deno.stderr.writeSync(new TextEncoder().encode(await errText));
      return 1;
    }
    if (await probeSocket(socket) === "live") {
      child.unref();
      return 0;
    }
    await Promise.race([statusPromise, new Promise((resolve) => setTimeout(resolve, 50))]);
  }
  Deno.stderr.writeSync(
    new TextEncoder().encode(`taskmasterd: the daemon did not answer on ${socket} in time\n`),
  );
  child.unref();
  return 1;
}

/** Arguments that make `Deno.execPath()` run this same program again. */
function selfInvocation(): string[] {
  const main = Deno.mainModule;
  // A compiled binary is its own program; under `deno run` re-run the same module.
  if (main.includes("/deno-compile-")) return [];
  return ["run", "-A", new URL(main).pathname];
}

/** Reads the child's stderr until EOF, keeping the first 16 KiB (never blocks the child). */
async function readSome(stream: ReadableStream<Uint8Array>): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  try {
    for await (const chunk of stream) {
      if (text.length < 16384) text += decoder.decode(chunk, { stream: true });
    }
  } catch (error) {
    text += `(stderr of the daemon unreadable: ${String(error)})`;
  }
  return text;
}
