import assert from "node:assert/strict";
import { makeCompleter } from "../../../ctl/shell.ts";
import { SHELL_COMMAND_LIST } from "../../../ctl/command_names.ts";
import { fakeSession } from "./fake_session.ts";

const session = fakeSession({
  status: () => [
    { name: "web:0", program: "web" },
    { name: "web:1", program: "web" },
    { name: "worker", program: "worker" },
  ],
});

/** TAB completion of `line`: [candidates, word being completed]. */
function complete(line: string, s = session): Promise<[string[], string]> {
  return new Promise((resolve, reject) =>
    makeCompleter(s)(line, (error, result) => (error ? reject(error) : resolve(result)))
  );
}

Deno.test("the first word completes to command names", async () => {
  assert.deepEqual(await complete(""), [[...SHELL_COMMAND_LIST], ""]);
  assert.deepEqual(await complete("st"), [["status", "start", "stop"], "st"]);
});

Deno.test("a unique match gets a trailing space so the next word can follow", async () => {
  assert.deepEqual(await complete("resta"), [["restart "], "resta"]);
});

Deno.test("name commands complete live process and program names, and all", async () => {
  assert.deepEqual(await complete("stop w"), [["web", "web:0", "web:1", "worker"], "w"]);
  assert.deepEqual(await complete("start a"), [["all "], "a"]);
  assert.deepEqual(await complete("signal HUP web:"), [["web:0", "web:1"], "web:"]);
});

Deno.test("options are not completed as names", async () => {
  assert.deepEqual(await complete("status -"), [[], "-"]);
});

Deno.test("fixed arguments: tail streams, completion shells, alert test, help topics", async () => {
  assert.deepEqual(await complete("tail web s"), [["stdout", "stderr"], "s"]);
  assert.deepEqual(await complete("completion "), [["bash", "zsh"], ""]);
  assert.deepEqual(await complete("alert t"), [["test "], "t"]);
  assert.deepEqual(await complete("help rel"), [["reload "], "rel"]);
  assert.deepEqual(await complete("help reload "), [[], ""]);
  assert.deepEqual(await complete("reload "), [[], ""]);
});

Deno.test("an unreachable daemon gives no names rather than an error", async () => {
  const offline = fakeSession({
    status: () => {
      throw new Error("no socket");
    },
  });
  assert.deepEqual(await complete("stop w", offline), [[], "w"]);
});
