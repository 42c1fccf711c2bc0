/**
 * Finds the control socket for taskmasterctl (docs/cli.md "Finding the socket"): `-s` as given,
 * `-c FILE` through the shared pure function the daemon uses, else the first existing default
 * config. `yaml` is loaded only when a config file actually has to be read.
 */
import {
  DEFAULT_CONFIG_PATHS,
  resolveAgainst,
  socketPathFromConfigText,
} from "../src/protocol/socket_path.ts";
import { CtlError, EXIT } from "./errors.ts";

/** Global connection options. */
export interface TargetOptions {
  config?: string | undefined;
  socket?: string | undefined;
}

/** Resolves the absolute socket path; throws CtlError (exit 3 / 2) when none can be found. */
export async function resolveSocket(options: TargetOptions): Promise<string> {
  if (options.socket !== undefined && options.config !== undefined) {
    throw new CtlError(EXIT.usage, "use either -c FILE or -s SOCKET, not both");
  }
  if (options.socket !== undefined) return resolveAgainst(Deno.cwd(), options.socket);
  if (options.config !== undefined) return await fromConfig(options.config, true);
  for (const candidate of DEFAULT_CONFIG_PATHS) {
    try {
      const abs = resolveAgainst(Deno.cwd(), candidate);
      await Deno.stat(abs);
      return await fromConfig(abs, false);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) continue;
      throw error;
    }
  }
  throw new CtlError(
    EXIT.unreachable,
    `no config found (${DEFAULT_CONFIG_PATHS.join(", ")}): pass -c FILE or -s SOCKET`,
  );
}

async function fromConfig(file: string, explicit: boolean): Promise<string> {
  const abs = resolveAgainst(Deno.cwd(), file);
  let text: string;
  try {
    text = await Deno.readTextFile(abs);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new CtlError(explicit ? EXIT.usage : EXIT.unreachable, `${file}: ${why}`);
  }
  return await socketPathFromConfigText(text, abs);
}
