/**
 * Round trip (docs/import.md): a supervisord config run by REAL supervisord and its import run
 * by a real taskmasterd start the same processes with the same environment and working
 * directory, read from /proc/PID/environ and /proc/PID/cwd of the children. Needs `supervisord`
 * (Debian package `supervisor`, installed by .ci/run); every child is cleaned up by pid.
 */
import assert from "node:assert/strict";
import { convert } from "../../src/import/cli.ts";
import { startDaemon } from "../helpers/daemon_harness.ts";
import { killTree, pidAlive, waitFor } from "../helpers/wait_for.ts";
import { parseProcStat } from "../../src/process/proc_stat.ts";

const SUPERVISORD = ["/usr/bin/supervisord", "/usr/local/bin/supervisord"].find((p) => {
  try {
    return Deno.statSync(p).isFile;
  } catch {
    return false;
  }
});

/** Direct children of `parent`, keyed by their command line. */
function children(parent: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const stat = parseProcStat(Deno.readTextFileSync(`/proc/${entry.name}/stat`));
      if (stat?.ppid !== parent || stat.state === "Z") continue;
      const cmdline = Deno.readTextFileSync(`/proc/${entry.name}/cmdline`).split("\0").join(" ")
        .trim();
      out.set(cmdline, Number(entry.name));
    } catch {
      // Gone meanwhile.
    }
  }
  return out;
}

/** What a child sees: its environment (without each supervisor's own markers) and cwd. */
function view(pid: number): { env: Record<string, string>; cwd: string } {
  const env: Record<string, string> = {};
  for (const pair of Deno.readTextFileSync(`/proc/${pid}/environ`).split("\0")) {
    const eq = pair.indexOf("=");
    if (eq <= 0) continue;
    const key = pair.slice(0, eq);
    if (/^(?:SUPERVISOR|TASKMASTER)_/.test(key)) continue;
    env[key] = pair.slice(eq + 1);
  }
  return { env, cwd: Deno.readLinkSync(`/proc/${pid}/cwd`) };
}

const EXPECTED = ["/bin/sleep 3001", "/bin/sleep 3010", "/bin/sleep 3011"];

Deno.test({
  name: "supervisord and the imported taskmasterd run the same processes, env and cwd",
  ignore: SUPERVISORD === undefined,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "tm-import-rt-" });
    await Deno.mkdir(`${dir}/conf.d`);
    await Deno.mkdir(`${dir}/work`);
    await Deno.writeTextFile(
      `${dir}/supervisord.conf`,
      [
        "[supervisord]",
        "nodaemon=true",
        "logfile=%(here)s/supervisord.log",
        "pidfile=%(here)s/supervisord.pid",
        "childlogdir=%(here)s",
        'environment=SHARED="from daemon",OVERRIDE=daemon',
        "",
        "[include]",
        "files = conf.d/*.conf",
      ].join("\n"),
    );
    await Deno.writeTextFile(
      `${dir}/conf.d/app.conf`,
      [
        "[program:web]",
        "command=/bin/sleep 3001",
        "directory=%(here)s/../work",
        'environment=OVERRIDE="prog, with comma",HOME_COPY="%(ENV_HOME)s",RT_MARK="%(ENV_RT_MARK)s"',
        "stdout_logfile=NONE",
        "redirect_stderr=true",
        "",
        "[program:worker]",
        "command=/bin/sleep 301%(process_num)d",
        "process_name=%(program_name)s_%(process_num)d",
        "numprocs=2",
        "directory=/tmp",
        'environment=SLOT="%(process_num)02d"',
        "stdout_logfile=NONE",
        "stderr_logfile=NONE",
      ].join("\n"),
    );
    const env = { RT_MARK: "round trip ✓", HOME: Deno.env.get("HOME") ?? "/root" };
    for (const [k, v] of Object.entries(env)) Deno.env.set(k, v);
    const result = await convert({
      kind: "supervisord",
      file: `${dir}/supervisord.conf`,
      out: null,
      force: false,
      strict: false,
      json: false,
      envName: null,
    });
    // Keep the test off the shared :4242 and away from supervisord's log.
    const yaml = result.yaml.replace(/^ {2}logfile: .*\n/m, "").replace(
      /^taskmaster:\n/m,
      "taskmaster:\n  http: false\n",
    );
    assert.match(yaml, /http: false/);

    const sv = new Deno.Command(SUPERVISORD!, {
      args: ["-n", "-c", `${dir}/supervisord.conf`],
      cwd: dir,
      env,
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    let tm: Awaited<ReturnType<typeof startDaemon>> | null = null;
    const seen: number[] = [];
    try {
      const svKids = await waitFor(() => {
        const kids = children(sv.pid);
        seen.push(...kids.values());
        return EXPECTED.every((c) => kids.has(c)) ? kids : null;
      }, { timeoutMs: 30_000, what: "supervisord's children" });
      await Deno.mkdir(`${dir}/tm`);
      tm = await startDaemon(yaml, { dir: `${dir}/tm`, env });
      const tmKids = await waitFor(() => {
        const kids = children(tm!.pid);
        seen.push(...kids.values());
        return EXPECTED.every((c) => kids.has(c)) ? kids : null;
      }, { timeoutMs: 30_000, what: "taskmasterd's children" });
      for (const cmd of EXPECTED) {
        const a = view(svKids.get(cmd)!);
        const b = view(tmKids.get(cmd)!);
        assert.equal(b.cwd, a.cwd, `${cmd}: cwd`);
        assert.deepEqual(b.env, a.env, `${cmd}: environment`);
      }
      const web = view(tmKids.get("/bin/sleep 3001")!);
      assert.equal(web.env.OVERRIDE, "prog, with comma");
      assert.equal(web.env.SHARED, "from daemon");
      assert.equal(web.env.RT_MARK, "round trip ✓");
      assert.equal(view(tmKids.get("/bin/sleep 3011")!).env.SLOT, "01");
    } finally {
      if (tm !== null) await tm.stop();
      try {
        sv.kill("SIGTERM");
      } catch {
        // Already gone.
      }
      await waitFor(() => !pidAlive(sv.pid), { timeoutMs: 30_000, what: "supervisord exit" })
        .catch(() => killTree(sv.pid));
      await sv.status;
      for (const pid of new Set(seen)) if (pidAlive(pid)) killTree(pid);
      await Deno.remove(dir, { recursive: true });
    }
  },
});
