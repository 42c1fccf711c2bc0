/**
 * Serves an HTTP handler on a unix socket that is 0600 from the moment it exists at its path
 * (docs/api.md): bound inside a fresh private 0700 directory next to the target, then hard-linked
 * into place (which also refuses to clobber a socket that appeared meanwhile). A live socket at
 * the path is refused; a stale one is removed. HTTP is served by server.ts (not Deno.serve,
 * which has no head deadline); a client that vanishes mid-reply never becomes an unhandled
 * rejection.
 */
import { MAX_SOCKET_PATH_BYTES } from "../protocol/socket_path.ts";
import { type Http1Handler, type Http1Options, serveHttp1 } from "./server.ts";

/** How long a liveness probe waits for a connection before calling the socket stale. */
const PROBE_TIMEOUT_MS = 1000;

/** A running unix-socket server. */
export interface UnixServer {
  /** Stops serving (open streams are ended) and removes the socket file. Idempotent. */
  close(): Promise<void>;
}

/**
 * Says whether something accepts connections at `path`: `live` (it answers), `stale` (a socket
 * or other file nobody listens on) or `absent`.
 */
export async function probeSocket(path: string): Promise<"live" | "stale" | "absent"> {
  try {
    await Deno.lstat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return "absent";
    throw error;
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const connect = Deno.connect({ transport: "unix", path });
    const timeout = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), PROBE_TIMEOUT_MS);
    });
    const won = await Promise.race([connect, timeout]);
    if (won === "timeout") {
      // A listener whose backlog is full is still somebody's live socket.
      connect.then((conn) => conn.close(), () => {/* failed late: it was not live anyway */});
      return "live";
    }
    won.close();
    return "live";
  } catch (error) {
    if (error instanceof Deno.errors.ConnectionRefused || error instanceof Deno.errors.NotFound) {
      return "stale";
    }
    // ENOTSOCK and friends: a non-socket file sits there; treat as stale only if it is a socket.
    const info = await Deno.lstat(path);
    if (info.isSocket) return "stale";
    throw new Error(`${path} exists and is not a socket`);
  } finally {
    clearTimeout(timer);
  }
}

/** Options of {@link listenUnix}: the HTTP server's tunables (timeouts, connection bound). */
export type UnixListenOptions = Http1Options;

/**
 * Serves `handler` on the unix socket `path` (see the module comment) with the control socket's
 * own HTTP/1.1 server (server.ts: head deadline, size caps, connection bound). Throws
 * `another taskmasterd is running on PATH` when a live socket is there.
 */
export async function listenUnix(
  path: string,
  handler: Http1Handler,
  options: UnixListenOptions = {},
): Promise<UnixServer> {
  const report = options.onError ?? ((error: unknown) => {
    console.error(`control socket: ${error instanceof Error ? error.message : String(error)}`);
  });
  await clearPath(path);
  const { listener, tempPath, tempDir } = bindPrivately(path);
  try {
    await linkIntoPlace(tempPath, path);
  } catch (error) {
    listener.close();
    await cleanupTemp(tempPath, tempDir);
    throw error;
  }
  await cleanupTemp(tempPath, tempDir);
  const server = serveHttp1(listener, handler, { ...options, onError: report });
  let closed: Promise<void> | null = null;
  return {
    close() {
      closed ??= (async () => {
        await server.close();
        try {
          await Deno.remove(path);
        } catch (error) {
          if (!(error instanceof Deno.errors.NotFound)) report(error);
        }
      })();
      return closed;
    },
  };
}

async function clearPath(path: string): Promise<void> {
  const state = await probeSocket(path);
  if (state === "live") throw new Error(`another taskmasterd is running on ${path}`);
  if (state === "stale") await Deno.remove(path);
}

function bindPrivately(
  path: string,
): { listener: Deno.Listener; tempPath: string; tempDir: string | null } {
  const slash = path.lastIndexOf("/");
  const dir = slash < 0 ? "." : slash === 0 ? "/" : path.slice(0, slash);
  // Makes the directory with 0700 (Deno.makeTempDirSync always does; checked in tests).
  const tempDir = Deno.makeTempDirSync({ dir, prefix: ".tm" });
  const tempPath = `${tempDir}/s`;
  if (new TextEncoder().encode(tempPath).byteLength <= MAX_SOCKET_PATH_BYTES) {
    const listener = Deno.listen({ transport: "unix", path: tempPath });
    Deno.chmodSync(tempPath, 0o600);
    return { listener, tempPath, tempDir };
  }
  // The private directory would push the path past sockaddr_un's limit: bind beside the target
  // under umask 077 instead. The bind is synchronous, so no other code runs with that umask.
  Deno.removeSync(tempDir);
  const sidePath = `${dir}/.tm${crypto.randomUUID().slice(0, 8)}`;
  const previous = Deno.umask(0o077);
  try {
    const listener = Deno.listen({ transport: "unix", path: sidePath });
    return { listener, tempPath: sidePath, tempDir: null };
  } finally {
    Deno.umask(previous);
  }
}

async function linkIntoPlace(tempPath: string, path: string): Promise<void> {
  try {
    await Deno.link(tempPath, path);
  } catch (error) {
    if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
    // Someone created the path after our probe: refuse if live, else replace once.
    await clearPath(path);
    await Deno.link(tempPath, path);
  }
}

async function cleanupTemp(tempPath: string, tempDir: string | null): Promise<void> {
  for (const target of [tempPath, tempDir]) {
    if (target === null) continue;
    try {
      await Deno.remove(target);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  }
}
