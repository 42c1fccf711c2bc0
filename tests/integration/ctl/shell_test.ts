import { assert, assertEquals, assertMatch } from "../../unit/control/asserts.ts";
import { CTL, PTY_DRIVE, startFakeDaemon } from "./harness.ts";

type Step = { send: string } | { expect: string } | { pause: number };

/** Runs the shell in a real pseudo-terminal through the python pty driver. */
async function inPty(
  socket: string,
  home: string,
  steps: Step[],
  args: string[] = [],
): Promise<string> {
  const denoDir = Deno.env.get("DENO_DIR") ?? `${Deno.env.get("HOME")}/.cache/deno`;
  const out = await new Deno.Command("/usr/bin/python3", {
    args: [
      PTY_DRIVE,
      JSON.stringify(steps),
      "--",
      Deno.execPath(),
      "run",
      "-A",
      CTL,
      "-s",
      socket,
      ...args,
    ],
    // HOME holds the history; DENO_DIR keeps the module cache where it was.
    env: { HOME: home, DENO_DIR: denoDir, TERM: "xterm" },
    stdout: "piped",
  }).output();
  const transcript = new TextDecoder().decode(out.stdout);
  assertEquals(out.code, 0, `pty driver failed:\n${transcript}`);
  return transcript;
}

Deno.test("interactive shell: TAB completes commands and live names, history persists, Ctrl-C, Ctrl-D", async () => {
  const daemon = await startFakeDaemon();
  const home = await Deno.makeTempDir({ prefix: "tm-home-" });
  try {
    const first = await inPty(daemon.socket, home, [
      { expect: "taskmaster> " },
      { send: "stat\t" },
      { expect: "status " },
      { send: "wor\t" },
      { expect: "worker " },
      { send: "\r" },
      { expect: "worker +STOPPED" },
      { expect: "taskmaster> " },
      { send: "sta\t" }, // ambiguous: a second TAB lists both candidates
      { pause: 0.3 },
      { send: "\t" },
      { expect: "status\\s+start" },
      { send: "\u0003" }, // Ctrl-C cancels the line
      { expect: "\\^C" },
      { expect: "taskmaster> " },
      { send: "pid web:\t" }, // names come from the live status
      { pause: 0.5 },
      { send: "\t" },
      { expect: "web:0\\s+web:1" },
      { send: "\u0015exit\r" }, // Ctrl-U, then exit asks for confirmation
      { expect: "\\[y/N\\] " },
      { send: "n\r" },
      { expect: "cancelled" },
      { expect: "taskmaster> " },
      { send: "\u0004" }, // Ctrl-D leaves
    ]);
    assertMatch(first, /EXIT 0\s*$/);
    const history = await Deno.readTextFile(`${home}/.taskmaster_history`);
    assert(history.startsWith("status worker\n"), `history: ${JSON.stringify(history)}`);
    // A new shell recalls the previous session's lines with the up arrow; `quit` leaves.
    const second = await inPty(daemon.socket, home, [
      { expect: "taskmaster> " },
      { send: "\u001b[A\u001b[A" },
      { expect: "status worker" },
      { send: "\u0015quit\r" },
    ]);
    assertMatch(second, /EXIT 0\s*$/);
    assertEquals(await daemon.send("noop").then(() => "alive"), "alive");
  } finally {
    await daemon.stop();
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("attach relays keystrokes to the process and detaches on Ctrl-]", async () => {
  const daemon = await startFakeDaemon();
  const home = await Deno.makeTempDir({ prefix: "tm-home-" });
  try {
    const transcript = await inPty(daemon.socket, home, [
      { expect: "detach with Ctrl-\\]" },
      { expect: "line 20" },
      { send: "hi\r" },
      { expect: "echo: hi" },
      { send: "\u001d" },
      { expect: "detached from web:0" },
    ], ["attach", "web:0"]);
    assertMatch(transcript, /EXIT 0\s*$/);
    const multi = await inPty(daemon.socket, home, [{ expect: "attach needs one process" }], [
      "attach",
      "web",
    ]);
    assertMatch(multi, /EXIT 2\s*$/);
    // Inside the shell, the detach key returns to the prompt and the shell goes on.
    const inShell = await inPty(daemon.socket, home, [
      { expect: "taskmaster> " },
      { send: "attach web:0\r" },
      { expect: "line 20" },
      { send: "again\r" },
      { expect: "echo: again" },
      { send: "\u001d" },
      { expect: "detached from web:0" },
      { expect: "taskmaster> " },
      { send: "pid web:0\r" },
      { expect: "4100" },
      { send: "\u0004" },
    ]);
    assertMatch(inShell, /EXIT 0\s*$/);
  } finally {
    await daemon.stop();
    await Deno.remove(home, { recursive: true });
  }
});
