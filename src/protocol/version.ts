/** Product version, printed by `--version` and `taskmasterctl version`. */
export const VERSION = "0.1.0";

/**
 * Control API version. The controller refuses to talk to a daemon whose API_VERSION differs
 * (exit code 1, docs/cli.md). Bump it on any incompatible change to routes or payloads.
 */
export const API_VERSION = 1;
