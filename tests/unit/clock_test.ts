import assert from "node:assert/strict";
import { sleep } from "../../src/clock.ts";
import { FAKE_WALL_START, FakeClock } from "../helpers/fake_clock.ts";

Deno.test("FakeClock: timers fire in deadline order, ties in creation order, each at its time", async () => {
  const clock = new FakeClock(0);
  const fired: string[] = [];
  const at = (name: string) => () => fired.push(`${name}@${clock.now()}`);
  clock.setTimer(300, at("c"));
  clock.setTimer(100, at("a"));
  clock.setTimer(100, at("b"));
  const gone = clock.setTimer(200, at("cleared"));
  clock.clearTimer(gone);
  clock.setTimer(-5, at("negative"));
  await clock.tick(250);
  assert.deepStrictEqual(fired, ["negative@0", "a@100", "b@100"]);
  assert.equal(clock.now(), 250);
  assert.equal(clock.wall(), FAKE_WALL_START + 250);
  assert.equal(clock.nextAt(), 300);
  await clock.runAll();
  assert.deepStrictEqual(fired.at(-1), "c@300");
  assert.equal(clock.pending, 0);
});

Deno.test("FakeClock: a timer armed by a firing timer fires within the same tick", async () => {
  const clock = new FakeClock(0);
  const fired: number[] = [];
  clock.setTimer(10, () => clock.setTimer(10, () => fired.push(clock.now())));
  await clock.tick(20);
  assert.deepStrictEqual(fired, [20]);
});

Deno.test("FakeClock: async chains run between firings (sleep() from src/clock.ts)", async () => {
  const clock = new FakeClock(0);
  const log: number[] = [];
  const chain = (async () => {
    for (let i = 0; i < 3; i++) {
      await sleep(clock, 50).done;
      await Promise.resolve();
      log.push(clock.now());
    }
    return "done";
  })();
  assert.equal(await clock.drive(chain), "done");
  assert.deepStrictEqual(log, [50, 100, 150]);
  const cancelled = sleep(clock, 1000);
  cancelled.cancel();
  await cancelled.done;
  assert.equal(clock.pending, 0, "cancel() frees the timer");
});

Deno.test("FakeClock.drive: fails instead of hanging when nothing can settle the promise", async () => {
  const clock = new FakeClock(0);
  await assert.rejects(clock.drive(new Promise(() => {})), /no timer left/);
  clock.setTimer(10_000, () => {});
  await assert.rejects(clock.drive(new Promise(() => {}), 5000), /after 5000 ms/);
  const rearm = () => clock.setTimer(1, rearm);
  rearm();
  await assert.rejects(clock.runAll(100), /still busy/);
});
