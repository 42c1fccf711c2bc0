/**
 * S10 and S13 (docs/reliability.md).
 * S10: a config holding secrets (http.token, smtp.password) at mode 0644 should draw a warning
 *      or a refusal; the daemon's own files (pids file, socket dir, log dir, new log files) are
 *      never world-writable and new logs are 0640.
 * S13: `deno task daemon` carries explicit --allow-* flags and no -A (static check of deno.json).
 */
import assert from "node:assert/strict";
import { runDaemonCommand, startDaemon, writeTempConfig } from "../helpers/daemon_harness.ts";
import { waitFor } from "../helpers/wait_for.ts";
import { waitState } from "./lib/daemon_util.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const TOKEN = "0123456789abcdef0123456789abcdef";

function secretConfig(): string {
  return `taskmaster:\n  http: {host: 127.0.0.1, port: 0, token: "${TOKEN}"}\n` +
    `  smtp: {host: 127.0.0.1, port: 2525, user: u, password: "s3cret-password"}\n` +
    `  logfile: logs/taskmasterd.log\n` +
    `programs:\n  a:\n    cmd: ["/bin/sh", "-c", "echo hi; exec sleep 1000"]\n` +
    `    stdout: logs/a.log\n    starttime: 0\n`;
}

Deno.test("S10: a config holding inline secrets is refused unless it is 0600", async () => {
  const { dir, configPath } = await writeTempConfig(secretConfig());
  try {
    await Deno.chmod(configPath, 0o644);
    const refused = await runDaemonCommand(["-t", "-c", configPath]);
    console.log(`S10: 0644 config with secrets → exit ${refused.code}: ${refused.stderr.trim()}`);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /taskmaster\.http\.token, taskmaster\.smtp\.password inline/);
    assert.match(refused.stderr, /readable by others \(mode 0644\)/);
    await Deno.chmod(configPath, 0o600);
    const accepted = await runDaemonCommand(["-t", "-c", configPath]);
    assert.equal(accepted.code, 0, accepted.stderr);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("S10: pids file, socket dir, log dir and new log files are not world-writable", async () => {
  const daemon = await startDaemon(secretConfig(), { configMode: 0o600 });
  try {
    await waitState(daemon, "a", ["RUNNING"]);
    const pids = `${daemon.dir}/taskmasterd.pids`;
    await waitFor(() => Deno.stat(pids).then(() => true).catch(() => false), { what: "pids" });
    await waitFor(() => Deno.stat(`${daemon.dir}/logs/a.log`).then((s) => s.size > 0), {
      what: "a.log written",
    });
    const mode = async (p: string) => ((await Deno.stat(p)).mode ?? 0) & 0o777;
    const modes = {
      config: await mode(daemon.configPath),
      pids: await mode(pids),
      socketDir: await mode(daemon.dir),
      socket: ((await Deno.lstat(daemon.socket)).mode ?? 0) & 0o777,
      logDir: await mode(`${daemon.dir}/logs`),
      childLog: await mode(`${daemon.dir}/logs/a.log`),
      eventLog: await mode(`${daemon.dir}/logs/taskmasterd.log`),
    };
    console.log(
      `S10: modes ${Object.entries(modes).map(([k, v]) => `${k} ${v.toString(8)}`).join(", ")}`,
    );
    for (const [name, m] of Object.entries(modes)) {
      if (name === "config" || name === "socketDir") continue; // written by the test
      assert.equal(m & 0o002, 0, `${name} world-writable (${m.toString(8)})`);
    }
    assert.equal(modes.childLog, 0o640);
    assert.equal(modes.eventLog, 0o640);
    assert.equal(modes.socket, 0o600);
    assert.equal(modes.pids & 0o077, 0, `pids file ${modes.pids.toString(8)}`);
    assert.equal(modes.logDir, 0o750);
  } finally {
    await daemon.stop();
  }
});

Deno.test("S13: `deno task daemon` uses explicit --allow-* flags, never -A", async () => {
  const json = JSON.parse(await Deno.readTextFile(`${ROOT}deno.json`));
  const task = String(json.tasks?.daemon ?? "");
  const words = task.split(/\s+/);
  const allows = words.filter((w) => w.startsWith("--allow-"));
  console.log(`S13: deno task daemon = "${task}"`);
  assert.match(task, /main\.ts/);
  assert(allows.length > 0, "no --allow-* flags");
  assert(!words.includes("-A") && !words.includes("--allow-all"), "daemon task uses -A");
  assert(!allows.some((w) => w === "--allow-all"));
});
