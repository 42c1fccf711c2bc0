/**
 * The permission flags that `deno task compile` bakes into the release binaries
 * (scripts/release_targets.ts) are enough at run time: a daemon started with the daemon's flags
 * answers a controller run with the controller's flags, reading the config and the socket.
 * `deno compile` itself cannot run here (it downloads `denort`), so this runs the same entry
 * points under `deno run` with the same flags, which Deno enforces identically.
 */
import assert from "node:assert/strict";
import { EXECUTABLES } from "../../scripts/release_targets.ts";
import { CTL_TS, startDaemon } from "../helpers/daemon_harness.ts";

function flagsOf(name: string): string[] {
  const exe = EXECUTABLES.find((e) => e.name === name);
  if (!exe) throw new Error(`${name} missing from the release list`);
  return [...exe.flags];
}

async function ctl(args: string[]): Promise<{ code: number; out: string }> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...flagsOf("taskmasterctl"), CTL_TS, ...args],
    stdin: "null",
  }).output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    out: decoder.decode(output.stdout) + decoder.decode(output.stderr),
  };
}

Deno.test("release flags: taskmasterctl drives taskmasterd with only its baked permissions", async () => {
  const daemon = await startDaemon(
    `taskmaster:\n  http: false\nprograms:\n  a:\n    cmd: ["/bin/sleep", "1000"]\n    starttime: 0\n`,
    { flags: flagsOf("taskmasterd") },
  );
  try {
    // -c: the controller reads the config to find the socket, then connects to it.
    const byConfig = await ctl(["-c", daemon.configPath, "status"]);
    assert.equal(byConfig.code, 0, byConfig.out);
    assert.match(byConfig.out, /^a\s/m);
    const json = await ctl(["-s", daemon.socket, "--json", "version"]);
    assert.equal(json.code, 0, json.out);
    assert.doesNotMatch(json.out, /NotCapable|PermissionDenied|--allow-/);
  } finally {
    await daemon.stop();
  }
});

Deno.test("release flags: taskmasterctl reports an absent daemon (3), not a permission error", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tm-release-" });
  try {
    const result = await ctl(["-s", `${dir}/none.sock`, "status"]);
    assert.equal(result.code, 3, result.out);
    assert.doesNotMatch(result.out, /NotCapable|PermissionDenied|--allow-/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
