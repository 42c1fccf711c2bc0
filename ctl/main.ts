/**
 * Entry point of taskmasterctl: `taskmasterctl [-c FILE | -s SOCKET] [--json] [COMMAND [ARGS…]]`
 * (docs/cli.md). Exits 0 ok, 1 command failed, 2 usage error, 3 daemon not reachable.
 */
import { runCtl } from "./run.ts";

if (import.meta.main) {
  Deno.exit(await runCtl(Deno.args));
}
