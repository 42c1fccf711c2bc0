/** Pure restart policy: the backoff delays and their sum (the `start` deadline's share). */
import assert from "node:assert/strict";
import { backoffDelayMs, totalBackoffMs } from "../../../src/supervisor/policy.ts";
import { startDeadlineMs } from "../../../src/supervisor/actions.ts";
import { makeSpec } from "../../helpers/specs.ts";

Deno.test("totalBackoffMs is the sum of every backoffDelayMs up to startretries", () => {
  let sum = 0;
  for (let n = 0; n <= 200; n++) {
    if (n > 0) sum += backoffDelayMs(n);
    assert.equal(totalBackoffMs(n), sum, `startretries ${n}`);
  }
  assert.equal(totalBackoffMs(3), 1000 + 2000 + 3000);
});

Deno.test("startDeadlineMs: every attempt's starttime, every backoff delay, plus 5 s", () => {
  const spec = makeSpec({ starttime: 2, startretries: 3 });
  assert.equal(startDeadlineMs(spec), 2 * 4 * 1000 + 6000 + 5000);
  assert.equal(startDeadlineMs(makeSpec({ starttime: 0, startretries: 0 })), 5000);
});
