/**
 * `taskmasterd` entry point: the only place the daemon calls `Deno.exit`.
 * Run with `deno run -A main.ts [-c FILE] [-d] [-t] [--version]`.
 */
import { runDaemonCli } from "./src/cli.ts";

if (import.meta.main) {
  Deno.exit(await runDaemonCli(Deno.args));
}
