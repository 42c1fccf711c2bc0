import assert from "node:assert/strict";
import { SendQueue } from "../../../src/alerts/send_queue.ts";
import { waitFor } from "../../helpers/wait_for.ts";

function recorder(failures: number) {
  const log = { attempts: 0, sent: [] as string[], failed: [] as string[] };
  let left = failures;
  const queue = new SendQueue<string>({
    limit: 2,
    retryDelays: () => [10, 20],
    send: (item) => {
      log.attempts++;
      return left-- > 0 ? Promise.reject(new Error("down")) : Promise.resolve(`250 ${item}`);
    },
    onSent: (item) => log.sent.push(item),
    onFailed: (item) => log.failed.push(item),
  });
  return { queue, log };
}

Deno.test("SendQueue retries a failed send and reports success once", async () => {
  const { queue, log } = recorder(2);
  assert.ok(queue.push("a"));
  await waitFor(() => log.sent.length === 1, { timeoutMs: 2000, what: "delivery" });
  assert.equal(log.attempts, 3);
  assert.deepEqual(log.failed, []);
  await queue.close();
});

Deno.test("SendQueue gives up after the last retry delay", async () => {
  const { queue, log } = recorder(100);
  queue.push("a");
  await waitFor(() => log.failed.length === 1, { timeoutMs: 2000, what: "give-up" });
  assert.equal(log.attempts, 3);
  await queue.close();
});

Deno.test("SendQueue.push() refuses items beyond its limit without waiting", async () => {
  const { queue, log } = recorder(0);
  // "a" goes in flight at once; "b" and "c" wait (limit 2); "d" is refused.
  const pushed = ["a", "b", "c", "d"].map((item) => queue.push(item));
  assert.deepEqual(pushed, [true, true, true, false]);
  await waitFor(() => log.sent.length === 3, { timeoutMs: 2000, what: "three deliveries" });
  assert.deepEqual(log.sent, ["a", "b", "c"]);
  await queue.close();
  assert.equal(queue.push("d"), false, "a closed queue takes nothing");
});

Deno.test("SendQueue.close() cancels a pending retry delay", async () => {
  let attempts = 0;
  const queue = new SendQueue<string>({
    limit: 4,
    retryDelays: () => [60_000],
    send: () => {
      attempts++;
      return Promise.reject(new Error("down"));
    },
    onSent: () => {},
    onFailed: () => {},
  });
  queue.push("a");
  await waitFor(() => attempts === 1, { timeoutMs: 2000, what: "first attempt" });
  // One macrotask turn lets the rejection reach the queue, which then sleeps in its 60 s delay.
  await new Promise((resolve) => setTimeout(resolve, 0));
  const started = performance.now();
  await queue.close();
  assert.ok(performance.now() - started < 100);
});
