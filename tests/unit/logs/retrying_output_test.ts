import assert from "node:assert/strict";
import { createRetryingOutput } from "../../../src/logs/retrying_output.ts";
import type { ProcessOutput } from "../../../src/logs/types.ts";

/** A ProcessOutput that records what is asked of it. */
function recordingOutput(log: string[]): ProcessOutput {
  return {
    stdio: (stream) => (log.push(`stdio ${stream}`), "piped"),
    attach: () => (log.push("attach"), Promise.resolve()),
    detach: () => void log.push("detach"),
    tail: () => new TextEncoder().encode("tail"),
    follow: () => (log.push("follow"), () => log.push("unfollow")),
    lostBytes: 12,
    close: () => (log.push("close"), Promise.resolve()),
  };
}

Deno.test("an open that works is done once, at creation, and everything is passed through", async () => {
  const log: string[] = [];
  let opens = 0;
  const out = createRetryingOutput(() => (opens++, recordingOutput(log)));
  assert.equal(opens, 1);
  assert.equal(out.stdio("stdout"), "piped");
  await out.attach(null, null);
  out.detach();
  assert.equal(new TextDecoder().decode(out.tail("stdout")), "tail");
  out.follow("stderr", () => {})();
  assert.equal(out.lostBytes, 12);
  await out.close();
  assert.equal(opens, 1);
  assert.deepEqual(log, ["stdio stdout", "attach", "detach", "follow", "unfollow", "close"]);
});

Deno.test("a failed open surfaces from stdio() at the next spawn, never from creation", () => {
  const out = createRetryingOutput(() => {
    throw new Error("cannot open log file /x: it is a symbolic link (refused)");
  });
  assert.throws(() => out.stdio("stdout"), /symbolic link/);
});

Deno.test("each spawn retries the open until it works, then keeps the opened output", () => {
  const log: string[] = [];
  let attempts = 0;
  let fixed = false;
  const out = createRetryingOutput(() => {
    attempts++;
    if (!fixed) throw new Error("permission denied");
    return recordingOutput(log);
  });
  assert.throws(() => out.stdio("stdout"), /permission denied/);
  assert.equal(attempts, 2, "creation, then the spawn");
  fixed = true;
  assert.equal(out.stdio("stdout"), "piped");
  assert.equal(out.stdio("stderr"), "piped");
  assert.equal(attempts, 3);
});

Deno.test("before any successful open: empty tail, no loss, no-op detach/follow/close", async () => {
  let attempts = 0;
  const out = createRetryingOutput(() => {
    attempts++;
    throw new Error("nope");
  });
  assert.equal(out.tail("stdout").length, 0);
  assert.equal(out.lostBytes, 0);
  out.detach();
  out.follow("stdout", () => {})();
  await out.close();
  assert.equal(attempts, 1, "reading and closing never retry the open");
});
