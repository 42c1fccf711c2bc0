/**
 * SendQueue on a fake clock: retry delays are exact and only the clock moves the queue on, the
 * bound refuses extra items synchronously, close() cancels a pending delay without waiting for it.
 */
import assert from "node:assert/strict";
import { SendQueue } from "../../../src/alerts/send_queue.ts";
import { FakeClock } from "../../helpers/fake_clock.ts";

/** A queue whose sends fail `failures` times, then succeed; every callback is recorded. */
function recorder(failures: number, delays: readonly number[] = [10, 20], limit = 2) {
  const clock = new FakeClock();
  const log = {
    attempts: [] as string[],
    sent: [] as string[],
    retries: [] as string[],
    failed: [] as string[],
  };
  let left = failures;
  const queue = new SendQueue<string>({
    limit,
    clock,
    retryDelays: () => delays,
    send: (item) => {
      log.attempts.push(`${item}@${clock.now()}`);
      return left-- > 0 ? Promise.reject(new Error("down")) : Promise.resolve(`250 ${item}`);
    },
    onSent: (item, reply) => log.sent.push(`${item} ${reply}`),
    onRetry: (item, error, attempt, delayMs) =>
      log.retries.push(`${item} #${attempt} ${String(error)} next in ${delayMs}`),
    onFailed: (item, error, attempts) =>
      log.failed.push(`${item} after ${attempts}: ${String(error)}`),
  });
  return { clock, queue, log };
}

Deno.test("SendQueue retries a failed send after each exact delay and reports success once", async () => {
  const { clock, queue, log } = recorder(2);
  assert.ok(queue.push("a"));
  assert.deepEqual(log.attempts, ["a@0"], "the first attempt starts inside push()");
  await clock.tick(0);
  assert.deepEqual(log.retries, ["a #1 Error: down next in 10"]);
  assert.deepEqual(clock.pendingDelays(), [10]);
  await clock.tick(9);
  assert.equal(log.attempts.length, 1, "nothing happens before the delay is over");
  await clock.tick(1);
  assert.deepEqual(log.attempts, ["a@0", "a@10"]);
  assert.deepEqual(log.retries, ["a #1 Error: down next in 10", "a #2 Error: down next in 20"]);
  await clock.tick(20);
  assert.deepEqual(log.attempts, ["a@0", "a@10", "a@30"]);
  assert.deepEqual(log.sent, ["a 250 a"]);
  assert.deepEqual(log.failed, []);
  assert.equal(clock.pending, 0);
  await queue.close();
});

Deno.test("SendQueue gives up after the last delay: onFailed once, with the attempt count", async () => {
  const { clock, queue, log } = recorder(100);
  queue.push("a");
  await clock.tick(30);
  assert.deepEqual(log.attempts, ["a@0", "a@10", "a@30"]);
  assert.equal(log.retries.length, 2, "one retry report per failed attempt but the last");
  assert.deepEqual(log.failed, ["a after 3: Error: down"]);
  await clock.tick(60_000);
  assert.equal(log.attempts.length, 3, "no attempt after the give-up");
  assert.equal(clock.pending, 0);
  await queue.close();
});

Deno.test("SendQueue works items one at a time, in order; the next starts after a give-up", async () => {
  const { clock, queue, log } = recorder(3, [10, 20], 4);
  queue.push("a");
  queue.push("b");
  await clock.tick(30);
  // "a" failed 3 times (0, 10, 30) and was given up; "b" started right after, at 30, and went.
  assert.deepEqual(log.attempts, ["a@0", "a@10", "a@30", "b@30"]);
  assert.deepEqual(log.failed, ["a after 3: Error: down"]);
  assert.deepEqual(log.sent, ["b 250 b"]);
  await queue.close();
});

Deno.test("SendQueue.push() refuses items beyond its limit synchronously", async () => {
  const clock = new FakeClock();
  const pending: Array<(reply: string) => void> = [];
  const sent: string[] = [];
  const queue = new SendQueue<string>({
    limit: 2,
    clock,
    retryDelays: () => [10],
    send: () => new Promise<string>((resolve) => pending.push(resolve)),
    onSent: (item) => sent.push(item),
    onFailed: () => {},
  });
  // "a" goes in flight at once; "b" and "c" wait (limit 2); "d" is refused.
  const pushed = ["a", "b", "c", "d"].map((item) => queue.push(item));
  assert.deepEqual(pushed, [true, true, true, false]);
  assert.equal(pending.length, 1, "one attempt in flight, none settled: push() did not wait");
  assert.equal(queue.waiting, 2);
  pending[0]!("250");
  await clock.tick(0);
  assert.deepEqual(sent, ["a"]);
  assert.equal(pending.length, 2, "the next item went in flight");
  assert.ok(queue.push("d"), "room again once one left the queue");
  pending[1]!("250");
  await clock.tick(0);
  pending[2]!("250");
  await clock.tick(0);
  pending[3]!("250");
  await clock.tick(0);
  assert.deepEqual(sent, ["a", "b", "c", "d"]);
  await queue.close();
  assert.equal(queue.push("e"), false, "a closed queue takes nothing");
});

Deno.test("SendQueue.close() cancels a pending retry delay without waiting for it", async () => {
  const { clock, queue, log } = recorder(100, [60_000]);
  queue.push("a");
  await clock.tick(0);
  assert.deepEqual(clock.pendingDelays(), [60_000], "sleeping in the 60 s delay");
  // The clock does not move: close() resolves on its own, frees the timer, tries nothing more.
  await queue.close();
  assert.equal(clock.pending, 0);
  assert.equal(log.attempts.length, 1);
  assert.deepEqual(log.failed, ["a after 1: Error: down"]);
});

Deno.test("SendQueue reads the delays per item, so a reload applies to the next mail", async () => {
  const clock = new FakeClock();
  let delays = [10];
  const attempts: string[] = [];
  const queue = new SendQueue<string>({
    limit: 4,
    clock,
    retryDelays: () => delays,
    send: (item) => {
      attempts.push(`${item}@${clock.now()}`);
      return Promise.reject(new Error("down"));
    },
    onSent: () => {},
    onFailed: () => {},
  });
  queue.push("a");
  await clock.tick(0);
  delays = [100, 100];
  queue.push("b");
  await clock.tick(10);
  assert.deepEqual(attempts, ["a@0", "a@10", "b@10"]);
  await clock.tick(200);
  assert.deepEqual(attempts, ["a@0", "a@10", "b@10", "b@110", "b@210"]);
  await queue.close();
});

Deno.test("SendQueue survives a throwing report callback", async () => {
  const clock = new FakeClock();
  const sent: string[] = [];
  const queue = new SendQueue<string>({
    limit: 4,
    clock,
    retryDelays: () => [],
    send: (item) => Promise.resolve(item),
    onSent: (item) => {
      sent.push(item);
      throw new Error("listener bug");
    },
    onFailed: () => {},
  });
  queue.push("a");
  queue.push("b");
  await clock.tick(0);
  assert.deepEqual(sent, ["a", "b"]);
  await queue.close();
});
