/**
 * Operator intent across daemon restarts with the real taskmasterd (docs/state.md): stop and
 * start survive a restart, reset forgets, corrupt and unknown-version files are set aside.
 */
import { assert, assertEquals, assertMatch } from "../../unit/control/asserts.ts";
import { type DaemonHandle, FIXTURES_BIN, startDaemon } from "../../helpers/daemon_harness.ts";
import { ctl } from "../ctl/harness.ts";

const CONFIG = `
programs:
  web:
    cmd: ${FIXTURES_BIN}/forever
    starttime: 0
    stoptime: 2
  idle:
    cmd: ${FIXTURES_BIN}/forever
    autostart: false
    starttime: 0
    stoptime: 2
`;

type Status = { name: string; state: string; desired: string; held: boolean };

async function status(daemon: DaemonHandle): Promise<Record<string, [string, string, boolean]>> {
  const reply = await daemon.call("status");
  assert(reply.ok, JSON.stringify(reply));
  return Object.fromEntries(
    (reply.result as Status[]).map((p) => [p.name, [p.state, p.desired, p.held]]),
  );
}

/** Shuts the daemon down through ctl and starts the next one on the same folder. */
async function restart(daemon: DaemonHandle): Promise<DaemonHandle> {
  const exit = await ctl(["-c", daemon.configPath, "exit", "--yes"]);
  assertEquals(exit.code, 0, exit.stderr);
  await daemon.stop({ keepDir: true });
  return await startDaemon(CONFIG, { dir: daemon.dir });
}

Deno.test("a stop and a start survive a daemon restart; reset forgets them", async () => {
  let daemon = await startDaemon(CONFIG);
  try {
    const c = ["-c", daemon.configPath];
    await daemon.waitLine(/ running .*web|web.* running/);
    assertEquals((await ctl([...c, "stop", "web"])).code, 0);
    assertEquals((await ctl([...c, "start", "idle"])).code, 0);
    assertEquals(await status(daemon), {
      web: ["STOPPED", "stopped", true],
      idle: ["RUNNING", "started", true],
    });
    const human = await ctl([...c, "status"]);
    assertMatch(human.stdout, /^web\s+STOPPED\s+held stopped/m);
    const file = JSON.parse(await Deno.readTextFile(`${daemon.dir}/taskmasterd.state.json`));
    assertEquals(file.version, 1);
    assertEquals(file.processes.web.desired, "stopped");
    assertEquals(file.processes.web.by, "ctl");
    assertEquals(file.processes.idle.desired, "started");
    assertEquals((await Deno.stat(`${daemon.dir}/taskmasterd.state.json`)).mode! & 0o777, 0o600);

    daemon = await restart(daemon);
    await daemon.waitLine(/state-restored applied=2 dropped=0 file=/);
    await daemon.waitLine(/ running .*idle|idle.* running/);
    assertEquals(await status(daemon), {
      web: ["STOPPED", "stopped", true],
      idle: ["RUNNING", "started", true],
    });
    const info = await daemon.call("info");
    const facts = info.result as {
      stateFile: string;
      stateError: string | null;
      overrides: number;
    };
    assertEquals(
      [facts.stateFile, facts.stateError, facts.overrides],
      [`${daemon.dir}/taskmasterd.state.json`, null, 2],
    );

    const reset = await ctl([...c, "reset", "all"]);
    assertEquals(reset.code, 0, reset.stderr);
    assertMatch(reset.stdout, /^web: override removed \(desired started\)$/m);
    assertEquals(await status(daemon), {
      web: ["STOPPED", "started", false],
      idle: ["RUNNING", "stopped", false],
    }, "reset changes no state");
    const after = JSON.parse(await Deno.readTextFile(`${daemon.dir}/taskmasterd.state.json`));
    assertEquals(after.processes, {});
  } finally {
    await daemon.stop();
  }
});

for (
  const [label, text, reason] of [
    ["a corrupt file", '{"version": 1, "processes": {"web": ', /not valid JSON/],
    ["an unknown version", '{"version": 7, "savedAt": "x", "processes": {}}', /unknown version 7/],
  ] as const
) {
  Deno.test(`${label} is set aside as FILE.corrupt-UNIXTIME and defaults apply`, async () => {
    const dir = await Deno.makeTempDir({ prefix: "tm-state-" });
    await Deno.writeTextFile(`${dir}/taskmasterd.state.json`, text);
    const daemon = await startDaemon(CONFIG, { dir });
    try {
      const line = await daemon.waitLine(/state-error /);
      assertMatch(line, reason);
      await daemon.waitLine(/state-restored applied=0 dropped=0/);
      const names = [...Deno.readDirSync(dir)].map((e) => e.name);
      const aside = names.filter((n) => /^taskmasterd\.state\.json\.corrupt-\d+$/.test(n));
      assertEquals(aside.length, 1, names.join(" "));
      assertEquals(await Deno.readTextFile(`${dir}/${aside[0]}`), text);
      assert(!names.includes("taskmasterd.state.json"), "the bad file is moved, not kept");
      await daemon.waitLine(/ running .*web|web.* running/);
      const info = (await daemon.call("info")).result as { stateError: string };
      assertMatch(info.stateError, reason);
    } finally {
      await daemon.stop();
    }
  });
}

Deno.test("taskmasterd -t refuses a statefile whose folder is missing", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tm-state-" });
  try {
    const config = `${dir}/taskmaster.yaml`;
    await Deno.writeTextFile(config, "taskmaster:\n  statefile: nope/s.json\nprograms: {}\n");
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        new URL("../../../main.ts", import.meta.url).pathname,
        "-t",
        "-c",
        config,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    assertEquals(out.code, 1, text);
    assertMatch(
      text,
      /:2:14: taskmaster\.statefile: .*nope\/s\.json: folder .*nope does not exist/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("reload keeps a held-stopped program stopped and drops overrides of removed ones", async () => {
  const daemon = await startDaemon(CONFIG);
  try {
    await daemon.waitLine(/ running .*web|web.* running/);
    assert((await daemon.call("stop", { names: ["web"] })).ok);
    assert((await daemon.call("start", { names: ["idle"] })).ok);
    // web changes shape (env), idle is removed.
    await daemon.writeConfig(`
programs:
  web:
    cmd: ${FIXTURES_BIN}/forever
    starttime: 0
    stoptime: 2
    env: { CHANGED: "1" }
`);
    const reload = await daemon.call("reload", {});
    assert(reload.ok, JSON.stringify(reload));
    assertEquals(await status(daemon), { web: ["STOPPED", "stopped", true] });
    const file = JSON.parse(await Deno.readTextFile(`${daemon.dir}/taskmasterd.state.json`));
    assertEquals(Object.keys(file.processes), ["web"]);
  } finally {
    await daemon.stop();
  }
});
