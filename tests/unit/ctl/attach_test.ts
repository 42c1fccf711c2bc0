import assert from "node:assert/strict";
import { attach, DETACH_KEY } from "../../../ctl/attach.ts";
import { CtlError } from "../../../ctl/errors.ts";
import { fakeSession } from "./fake_session.ts";

const one = () => [{ name: "web", program: "web" }];
const bytes = (text: string) => new TextEncoder().encode(text);

/** Raw input that delivers `chunks` (null = EOF) one by one, after attach started listening. */
function scriptedInput(chunks: (Uint8Array | null)[]) {
  const state = { stopped: false };
  const input = (onData: (bytes: Uint8Array | null) => void) => {
    (async () => {
      for (const chunk of chunks) {
        await Promise.resolve();
        if (state.stopped) return;
        onData(chunk);
      }
    })();
    return () => {
      state.stopped = true;
    };
  };
  return { input, state };
}

Deno.test("attach needs exactly one process (exit 2 otherwise)", async () => {
  const s = fakeSession({
    status: () => [{ name: "w:0", program: "w" }, { name: "w:1", program: "w" }],
  });
  await assert.rejects(
    () => attach(s, "w"),
    (error: unknown) =>
      error instanceof CtlError && error.exitCode === 2 &&
      error.message === "attach needs one process; w is w:0, w:1",
  );
});

Deno.test("keystrokes go to the process's stdin in order until the detach key", async () => {
  const sent: string[] = [];
  const s = fakeSession({
    status: one,
    stdin: (req) => {
      sent.push(atob((req as { data: string }).data));
      return { bytes: 1 };
    },
  });
  const detach = new Uint8Array([...bytes("b"), DETACH_KEY, ...bytes("never")]);
  const { input, state } = scriptedInput([bytes("a\n"), detach, bytes("after")]);
  s.rawInput = input;
  await attach(s, "web");
  assert.deepEqual(sent, ["a\n", "b"]);
  assert.equal(state.stopped, true, "input released");
  assert.match(s.stderr[0]!, /^attached to web; detach with Ctrl-\]/);
  assert.match(s.stderr.at(-1)!, /detached from web\n$/);
});

Deno.test("stdin EOF ends the attachment too", async () => {
  const s = fakeSession({ status: one, stdin: () => ({ bytes: 0 }) });
  s.rawInput = scriptedInput([null]).input;
  await attach(s, "web");
  assert.match(s.stderr.at(-1)!, /detached from web/);
  assert.equal(s.calls.filter((c) => c.name === "stdin").length, 0);
});

Deno.test("the process's output is followed on both streams and written out", async () => {
  const s = fakeSession({ status: one, stdin: () => ({ bytes: 0 }) });
  s.streams.output = [{ data: btoa("hello\n") }];
  s.rawInput = scriptedInput([null]).input;
  await attach(s, "web");
  const followed = s.calls.filter((c) => c.name === "stream:output").map((c) => c.request);
  assert.deepEqual(followed, [
    { name: "web", stream: "stdout", follow: "1" },
    { name: "web", stream: "stderr", follow: "1" },
  ]);
  assert.equal(s.stdout.join(""), "hello\n");
  assert.ok(s.stderr.includes("hello\n"));
});

Deno.test("a failing stdin send ends the attachment with that error", async () => {
  const s = fakeSession({
    status: one,
    stdin: () => {
      throw new CtlError(1, "web is not running");
    },
  });
  s.rawInput = scriptedInput([bytes("x"), bytes("y")]).input;
  await assert.rejects(() => attach(s, "web"), /web is not running/);
});
