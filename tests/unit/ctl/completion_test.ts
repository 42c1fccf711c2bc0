import assert from "node:assert/strict";
import { completionScript } from "../../../ctl/completion.ts";
import { NAME_COMMANDS_LIST, SHELL_COMMAND_LIST } from "../../../ctl/command_names.ts";

const visible = SHELL_COMMAND_LIST.filter((c) => c !== "quit");

Deno.test("bash script registers the function and offers every command but quit", () => {
  const script = completionScript("bash");
  assert.match(script, /^complete -F _taskmasterctl taskmasterctl$/m);
  assert.ok(script.includes(`compgen -W "${visible.join(" ")}"`));
  assert.doesNotMatch(script, /\bquit\b/);
});

Deno.test("zsh script starts with #compdef and offers the same commands", () => {
  const script = completionScript("zsh");
  assert.match(script, /^#compdef taskmasterctl\n/);
  assert.ok(script.includes(`compadd -- ${visible.join(" ")}`));
  assert.match(script, /compdef _taskmasterctl taskmasterctl/);
});

Deno.test("both scripts complete process names for name commands through _names, keeping -c/-s", () => {
  for (const shell of ["bash", "zsh"] as const) {
    const script = completionScript(shell);
    assert.ok(script.includes(`    ${NAME_COMMANDS_LIST.join("|")})`), shell);
    assert.ok(script.includes(`taskmasterctl "\${target[@]}" _names 2>/dev/null`), shell);
    assert.ok(script.includes("-c|-s|--config|--socket)"), shell);
    assert.match(script, /completion\).*bash zsh/, shell);
    assert.match(script, /alert\).*test/, shell);
  }
});

Deno.test({
  name: "the bash script is valid bash",
  ignore: !bashAvailable(),
  async fn() {
    const child = new Deno.Command("bash", {
      args: ["-n"],
      stdin: "piped",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(completionScript("bash")));
    await writer.close();
    const { code, stderr } = await child.output();
    assert.equal(code, 0, new TextDecoder().decode(stderr));
  },
});

function bashAvailable(): boolean {
  try {
    return Deno.statSync("/bin/bash").isFile;
  } catch {
    return false;
  }
}

Deno.test("reset is a shell command whose arguments complete as process names", () => {
  assert.ok(SHELL_COMMAND_LIST.includes("reset"));
  assert.ok(NAME_COMMANDS_LIST.includes("reset"));
  for (const shell of ["bash", "zsh"] as const) {
    const script = completionScript(shell);
    assert.match(script, /status start stop restart reset deps reload/);
    assert.match(script, /\|reset\|/);
  }
});

Deno.test("deps is a shell command without name arguments", () => {
  assert.ok(SHELL_COMMAND_LIST.includes("deps"));
  assert.ok(!NAME_COMMANDS_LIST.includes("deps"));
});
