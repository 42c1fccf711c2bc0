import assert from "node:assert/strict";
import { NAME_COMMANDS_LIST, SHELL_COMMAND_LIST } from "../../../ctl/command_names.ts";

Deno.test("command lists have no duplicates", () => {
  assert.equal(new Set(SHELL_COMMAND_LIST).size, SHELL_COMMAND_LIST.length);
  assert.equal(new Set(NAME_COMMANDS_LIST).size, NAME_COMMANDS_LIST.length);
});

Deno.test("every command taking process names is a visible command", () => {
  for (const name of NAME_COMMANDS_LIST) assert.ok(SHELL_COMMAND_LIST.includes(name), name);
});

Deno.test("commands whose arguments are not process names are not name commands", () => {
  for (const name of ["reload", "exit", "shutdown", "quit", "log", "info", "completion"]) {
    assert.ok(!NAME_COMMANDS_LIST.includes(name), name);
  }
});
