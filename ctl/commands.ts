/**
 * The controller's command actions: each calls the daemon through the client, prints human or
 * `--json` output, and sets the session's exit code (docs/cli.md "Exit codes of taskmasterctl").
 */
import type { ActionResult, LogEvent, ProcessStatus } from "../src/protocol/types.ts";
import { VERSION } from "../src/protocol/version.ts";
import { formatEvent } from "../src/protocol/event_format.ts";
import { checkReachable, type ControlClient } from "./client.ts";
import { CtlError, EXIT } from "./errors.ts";
import { renderActions, renderDeps, renderInfo, renderReload, renderStatus } from "./render.ts";
import type { Session } from "./session.ts";
import { startSpinner } from "./spinner.ts";

/** `status [NAME…]`. */
export async function cmdStatus(s: Session, names: string[], json: boolean): Promise<void> {
  const client = await s.client();
  let list: ProcessStatus[];
  try {
    list = await client.call("status", { names });
  } catch (error) {
    // Each NAME is handled on its own (docs/cli.md "Names"): with an unknown one among several,
    // still show the known ones, report each unknown one, and end with exit 1.
    if (!(error instanceof CtlError) || error.exitCode !== EXIT.failed || names.length < 2) {
      throw error;
    }
    list = [];
    for (const name of names) {
      try {
        list.push(...await client.call("status", { names: [name] }));
      } catch (one) {
        if (!(one instanceof CtlError) || one.exitCode !== EXIT.failed) throw one;
        s.err(`taskmasterctl: ${one.message}\n`);
        s.exitCode = EXIT.failed;
      }
    }
  }
  s.out(json ? JSON.stringify(list, null, 2) + "\n" : renderStatus(list, s.paint));
}

/** `deps [--json]`: start waves and edges of the daemon's config. */
export async function cmdDeps(s: Session, json: boolean): Promise<void> {
  const info = await (await s.client()).call("deps", {});
  s.out(json ? JSON.stringify(info, null, 2) + "\n" : renderDeps(info));
}

/** `start|stop|restart NAME…`: waits for the outcome; exit 1 if any process failed. */
export async function cmdAction(
  s: Session,
  verb: "start" | "stop" | "restart",
  names: string[],
  json: boolean,
  noDeps = false,
): Promise<void> {
  const client = await s.client();
  const gerund = { start: "starting", stop: "stopping", restart: "restarting" }[verb];
  const label = `${gerund} ${names.join(" ")}…`;
  const clear = startSpinner(label, s.stderrIsTerminal && !json, s.err);
  let results: ActionResult[];
  try {
    results = verb === "start" && noDeps
      ? await client.call("start", { names, noDeps: true })
      : await client.call(verb, { names });
  } finally {
    clear();
  }
  printActions(s, results, json);
}

/** `reset NAME…`: removes operator overrides (docs/state.md); changes no process state. */
export async function cmdReset(s: Session, names: string[], json: boolean) {
  const results = await (await s.client()).call("reset", { names });
  printActions(s, results, json);
}

/** `signal SIG NAME…`. */
export async function cmdSignal(s: Session, signal: string, names: string[], json: boolean) {
  const results = await (await s.client()).call("signal", { signal, names });
  printActions(s, results, json);
}

function printActions(s: Session, results: ActionResult[], json: boolean): void {
  s.out(json ? JSON.stringify(results, null, 2) + "\n" : renderActions(results, s.paint));
  if (results.some((r) => !r.ok)) s.exitCode = EXIT.failed;
}

/** `reload [--dry-run]`. */
export async function cmdReload(s: Session, dryRun: boolean, json: boolean): Promise<void> {
  const result = await (await s.client()).call("reload", { dryRun });
  const { added, changed, removed, unchanged } = result;
  s.out(
    json
      ? JSON.stringify({ added, changed, removed, unchanged }, null, 2) + "\n"
      : renderReload(result, dryRun),
  );
}

/**
 * `exit` / `shutdown`: confirms (shell: always unless --yes; one-shot: only on a terminal, and
 * refuses with exit 2 without one), then waits until the daemon closed its socket.
 */
export async function cmdShutdown(s: Session, yes: boolean, json: boolean): Promise<void> {
  if (!yes) {
    if (!s.interactive && !s.stdinIsTerminal) {
      throw new CtlError(EXIT.usage, "refusing to stop taskmasterd without --yes (no terminal)");
    }
    if (!await s.ask("Stop every program and taskmasterd? [y/N] ")) {
      s.err("cancelled\n");
      s.exitCode = EXIT.failed;
      return;
    }
  }
  const client = await s.client();
  const clear = startSpinner("stopping every program…", s.stderrIsTerminal && !json, s.err);
  try {
    await client.call("shutdown", {});
    await waitSocketClosed(client.socketPath, 30_000);
  } finally {
    clear();
  }
  s.out(json ? JSON.stringify({ stopped: true }) + "\n" : "taskmasterd stopped\n");
}

async function waitSocketClosed(path: string, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    try {
      await checkReachable(path);
    } catch (error) {
      if (error instanceof CtlError && error.exitCode === EXIT.unreachable) return;
      throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new CtlError(EXIT.failed, `taskmasterd still answers on ${path} after shutdown`);
}

/** `tail [-f] [-n N] NAME [stdout|stderr]`. */
export async function cmdTail(
  s: Session,
  name: string,
  stream: "stdout" | "stderr",
  opts: { follow: boolean; lines: number; json: boolean },
): Promise<void> {
  const client = await s.client();
  if (!opts.follow) {
    const result = await client.call("tail", { name, stream, lines: opts.lines });
    s.out(opts.json ? JSON.stringify(result) + "\n" : result.text);
    return;
  }
  const decoder = new TextDecoder();
  for await (
    const item of followUntilInterrupt(s, client, "output", {
      name,
      stream,
      follow: "1",
    })
  ) {
    const chunk = item as { data: string; tail?: boolean };
    let text = decoder.decode(fromBase64(chunk.data), { stream: true });
    if (chunk.tail) text = lastLinesOf(text, opts.lines);
    s.out(opts.json ? JSON.stringify({ data: chunk.data }) + "\n" : text);
  }
}

/** `log [-f] [-n N]`: the daemon's event log. */
export async function cmdLog(
  s: Session,
  opts: { follow: boolean; lines: number; json: boolean },
): Promise<void> {
  const client = await s.client();
  if (!opts.follow) {
    const events = await client.call("log", { lines: opts.lines });
    s.out(
      opts.json
        ? JSON.stringify(events, null, 2) + "\n"
        : events.map((e) => formatEvent(e) + "\n").join(""),
    );
    return;
  }
  const query = { follow: "1", lines: String(opts.lines) };
  for await (const item of followUntilInterrupt(s, client, "events", query)) {
    const event = item as LogEvent;
    s.out(opts.json ? JSON.stringify(event) + "\n" : formatEvent(event) + "\n");
  }
}

/** Follows a stream until the daemon ends it or the user presses Ctrl-C. */
async function* followUntilInterrupt(
  s: Session,
  client: ControlClient,
  route: "events" | "output",
  query: Record<string, string>,
): AsyncGenerator<unknown> {
  const abort = new AbortController();
  const remove = s.onInterrupt(() => abort.abort());
  try {
    yield* client.stream(route, query, abort.signal);
  } finally {
    remove();
  }
}

/** `pid [NAME…]`: the daemon's pid without names, else one pid per process (0 if none). */
export async function cmdPid(s: Session, names: string[], json: boolean): Promise<void> {
  const client = await s.client();
  if (names.length === 0) {
    const info = await client.call("info", {});
    s.out(json ? JSON.stringify({ pid: info.pid }) + "\n" : `${info.pid}\n`);
    return;
  }
  const pids = await client.call("pid", { names });
  if (json) s.out(JSON.stringify(pids, null, 2) + "\n");
  else if (pids.length === 1) s.out(`${pids[0]!.pid ?? 0}\n`);
  else s.out(pids.map((p) => `${p.name} ${p.pid ?? 0}\n`).join(""));
}

/** `info`. */
export async function cmdInfo(s: Session, json: boolean): Promise<void> {
  const info = await (await s.client()).call("info", {});
  s.out(json ? JSON.stringify(info, null, 2) + "\n" : renderInfo(info, s.paint));
}

/** `version`: the controller's and the daemon's versions. */
export async function cmdVersion(s: Session, json: boolean): Promise<void> {
  const daemon = await (await s.client()).call("version", {});
  s.out(
    json
      ? JSON.stringify({
        taskmasterctl: VERSION,
        taskmasterd: daemon.version,
        api: daemon.apiVersion,
      }) +
        "\n"
      : `taskmasterctl ${VERSION}\ntaskmasterd ${daemon.version} (api ${daemon.apiVersion})\n`,
  );
}

/** `alert test`. */
export async function cmdAlertTest(s: Session, json: boolean): Promise<void> {
  const clear = startSpinner("sending test alert…", s.stderrIsTerminal && !json, s.err);
  let result: { message: string };
  try {
    result = await (await s.client()).call("alertTest", {});
  } finally {
    clear();
  }
  s.out(json ? JSON.stringify(result) + "\n" : `alert sent: ${result.message}\n`);
}

/** Hidden `_names`: every live process name (and program name), one per line, for completion. */
export async function cmdNames(s: Session): Promise<void> {
  s.out(namesFrom(await (await s.client()).call("status", {})).join("\n") + "\n");
}

/** Completion candidates from a status list: `all`, program names and process names. */
export function namesFrom(list: { name: string; program: string }[]): string[] {
  const names = new Set<string>(["all"]);
  for (const p of list) {
    names.add(p.program);
    names.add(p.name);
  }
  return [...names];
}

function fromBase64(text: string): Uint8Array {
  const raw = atob(text);
  const out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

function lastLinesOf(text: string, n: number): string {
  if (n <= 0) return "";
  const lines = text.split("\n");
  const trailing = text.endsWith("\n");
  if (trailing) lines.pop();
  const kept = lines.slice(-n).join("\n");
  return kept === "" ? "" : kept + (trailing ? "\n" : "");
}
