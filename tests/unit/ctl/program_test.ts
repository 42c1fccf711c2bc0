import assert from "node:assert/strict";
import { buildProgram, runArgs } from "../../../ctl/program.ts";
import { CtlError } from "../../../ctl/errors.ts";
import { SHELL_COMMAND_LIST } from "../../../ctl/command_names.ts";
import { type Answers, fakeSession } from "./fake_session.ts";

/** Runs one argument list against a fresh program and fake session. */
async function run(args: string[], answers: Answers = {}) {
  const s = fakeSession(answers);
  const code = await runArgs(buildProgram(() => s), s, args);
  return { code, s, out: s.stdout.join(""), err: s.stderr.join("") };
}

Deno.test("parse errors are usage errors (exit 2): unknown command, missing or extra argument", async () => {
  for (
    const args of [["bogus"], ["start"], ["signal", "HUP"], ["tail"], ["alert", "nope"], [
      "--nope",
    ]]
  ) {
    const { code, err } = await run(args);
    assert.equal(code, 2, args.join(" "));
    assert.notEqual(err, "", args.join(" "));
  }
});

Deno.test("an unknown command gets a did-you-mean suggestion", async () => {
  const { err } = await run(["stauts"]);
  assert.match(err, /Did you mean status\?/);
});

Deno.test("--help and --version succeed with exit 0 and print on stdout", async () => {
  const help = await run(["--help"]);
  assert.equal(help.code, 0);
  assert.match(help.out, /Exit codes: 0 ok, 1 command failed, 2 usage error, 3 daemon/);
  const version = await run(["-V"]);
  assert.equal(version.code, 0);
  assert.match(version.out, /^\d+\.\d+\.\d+/);
});

Deno.test("-n must be a whole number; tail's stream must be stdout or stderr", async () => {
  const lines = await run(["tail", "-n", "abc", "web"]);
  assert.equal(lines.code, 2);
  assert.match(lines.err, /whole number/);
  const stream = await run(["tail", "web", "stdin"]);
  assert.equal(stream.code, 2);
  assert.equal(stream.err, "taskmasterctl: stream must be stdout or stderr (got stdin)\n");
});

Deno.test("arguments reach the command: names, stream, -n, --dry-run, global --json", async () => {
  const answers: Answers = {
    tail: () => ({ name: "web", stream: "stderr", text: "" }),
    reload: () => ({ added: [], changed: [], removed: [], unchanged: [] }),
    status: () => [],
  };
  const tail = await run(["tail", "-n", "3", "web", "stderr"], answers);
  assert.equal(tail.code, 0);
  assert.deepEqual(tail.s.calls[0]!.request, { name: "web", stream: "stderr", lines: 3 });
  const reload = await run(["reload", "--dry-run"], answers);
  assert.deepEqual(reload.s.calls[0]!.request, { dryRun: true });
  const status = await run(["--json", "status", "a", "b"], answers);
  assert.deepEqual(status.s.calls[0]!.request, { names: ["a", "b"] });
  assert.equal(status.out, "[]\n");
});

Deno.test("a CtlError from a command ends with its exit code and one stderr line", async () => {
  const { code, err } = await run(["status"], {
    status: () => {
      throw new CtlError(3, "no socket at /x: is taskmasterd running?");
    },
  });
  assert.equal(code, 3);
  assert.equal(err, "taskmasterctl: no socket at /x: is taskmasterd running?\n");
});

Deno.test("any other error ends with exit 1 and one stderr line", async () => {
  const { code, err } = await run(["info"], {
    info: () => {
      throw new Error("boom");
    },
  });
  assert.equal(code, 1);
  assert.equal(err, "taskmasterctl: boom\n");
});

Deno.test("the exit code set by a command is returned, and reset for the next line", async () => {
  const s = fakeSession({
    stop: () => [{ name: "a", ok: false, state: "FATAL", message: "failed" }],
    status: () => [],
  });
  const program = buildProgram(() => s);
  assert.equal(await runArgs(program, s, ["stop", "a"]), 1);
  assert.equal(await runArgs(program, s, ["status"]), 0);
});

Deno.test("quit asks the session to quit; completion prints a script; bad shell is exit 2", async () => {
  const quit = await run(["quit"]);
  assert.equal(quit.code, 0);
  assert.equal(quit.s.quitRequested, true);
  const bash = await run(["completion", "bash"]);
  assert.match(bash.out, /complete -F _taskmasterctl taskmasterctl/);
  const fish = await run(["completion", "fish"]);
  assert.equal(fish.code, 2);
  assert.match(fish.err, /shell must be bash or zsh/);
});

Deno.test("the visible commands are exactly the completion list (shutdown as an alias)", () => {
  const program = buildProgram(() => fakeSession());
  const visible = program.commands
    .filter((c) => !(c as unknown as { _hidden: boolean })._hidden)
    .flatMap((c) => [c.name(), ...c.aliases()]);
  assert.deepEqual(
    [...visible, "help"].sort(),
    [...SHELL_COMMAND_LIST].sort(),
  );
});
