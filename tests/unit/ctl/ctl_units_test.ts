import { assert, assertEquals, assertMatch } from "../control/asserts.ts";
import { splitWords } from "../../../ctl/words.ts";
import { formatUptime, makePaint, renderReload, renderStatus } from "../../../ctl/render.ts";
import { scanGlobals } from "../../../ctl/run.ts";
import { namesFrom } from "../../../ctl/commands.ts";
import { exitCodeFor } from "../../../ctl/errors.ts";
import { ERROR_CODES } from "../../../src/protocol/errors.ts";
import { NAME_COMMANDS_LIST, SHELL_COMMAND_LIST } from "../../../ctl/command_names.ts";
import { completionScript } from "../../../ctl/completion.ts";

Deno.test("splitWords handles quotes and backslashes like a shell", () => {
  assertEquals(splitWords("  start  web   worker "), ["start", "web", "worker"]);
  assertEquals(splitWords(`signal 'HUP' "a b" c\\ d ""`), ["signal", "HUP", "a b", "c d", ""]);
  assertEquals(splitWords(`x "q\\"uote"`), ["x", 'q"uote']);
  let message = "";
  try {
    splitWords(`tail "web`);
  } catch (error) {
    message = String(error);
  }
  assertMatch(message, /unterminated " quote/);
});

Deno.test("scanGlobals finds -c/-s/--json before the command and says if there is one", () => {
  assertEquals(scanGlobals([]), { json: false, hasCommand: false });
  assertEquals(scanGlobals(["-s", "/x.sock", "--json"]), {
    json: true,
    hasCommand: false,
    socket: "/x.sock",
  });
  assertEquals(scanGlobals(["--config=/c.yaml", "status", "-s", "ignored"]), {
    json: false,
    hasCommand: true,
    config: "/c.yaml",
  });
  assertEquals(scanGlobals(["-h"]).hasCommand, true);
});

Deno.test("status rendering: uptime for RUNNING, exit or signal otherwise, colors only when on", () => {
  const base = {
    program: "p",
    index: 0,
    exitCode: null,
    signal: null,
    since: "2024-01-01T00:00:00.000Z",
    restarts: 0,
    description: "",
    desired: "started" as const,
    held: false,
  };
  const now = Date.parse("2024-01-01T01:02:03.000Z");
  const list = [
    { ...base, name: "a", state: "RUNNING" as const, pid: 7 },
    { ...base, name: "bb", state: "EXITED" as const, pid: null, exitCode: 3 },
    { ...base, name: "c", state: "STOPPED" as const, pid: null, signal: "SIGKILL" },
  ];
  assertEquals(
    renderStatus(list, makePaint(false), now),
    "a   RUNNING   pid 7, uptime 1:02:03\nbb  EXITED    exit status 3\nc   STOPPED   killed by SIGKILL\n",
  );
  assertEquals(renderStatus(list, makePaint(true), now).includes("\x1b[32mRUNNING\x1b[0m"), true);
  assertEquals(formatUptime(90061), "1d 1:01:01");
  assertMatch(
    renderReload({ added: [], changed: ["x"], removed: [], unchanged: [] }, false),
    /^changed:\s+x$/m,
  );
});

Deno.test("every protocol error code maps to exit 1 or 2; completion names include all", () => {
  for (const code of ERROR_CODES) {
    const exit = exitCodeFor(code);
    assertEquals(exit === 1 || exit === 2, true, code);
  }
  assertEquals(exitCodeFor("BAD_NAME"), 1);
  assertEquals(exitCodeFor("UNKNOWN_COMMAND"), 2);
  assertEquals(namesFrom([{ name: "w:0", program: "w" }, { name: "w:1", program: "w" }]), [
    "all",
    "w",
    "w:0",
    "w:1",
  ]);
});

Deno.test("reset is a shell command whose arguments complete as process names", () => {
  assert(SHELL_COMMAND_LIST.includes("reset"));
  assert(NAME_COMMANDS_LIST.includes("reset"));
  for (const shell of ["bash", "zsh"] as const) {
    const script = completionScript(shell);
    assertMatch(script, /status start stop restart reset reload/);
    assertMatch(script, /\|reset\|/);
  }
});

Deno.test("human status marks held processes with held started / held stopped", () => {
  const base = {
    program: "p",
    index: 0,
    pid: null,
    exitCode: 0,
    signal: null,
    since: "2024-01-01T00:00:00.000Z",
    restarts: 0,
    description: "",
  };
  const text = renderStatus([
    { ...base, name: "a", state: "STOPPED", desired: "stopped", held: true },
    { ...base, name: "b", state: "STOPPED", desired: "stopped", held: false },
  ], makePaint(false));
  assertEquals(text, "a  STOPPED   held stopped, exit status 0\nb  STOPPED   exit status 0\n");
});
