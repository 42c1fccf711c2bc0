import assert from "node:assert/strict";
import { CurrentConfig } from "../../../src/config/current.ts";
import type { Config, LoadResult } from "../../../src/config/types.ts";
import { EventHub } from "../../../src/events.ts";
import { Supervisor } from "../../../src/supervisor/supervisor.ts";
import { daemonDefaults } from "../../helpers/specs.ts";

function config(logfile: string | null): Config {
  return {
    file: "t.yaml",
    path: "/t.yaml",
    daemon: daemonDefaults("/tmp", "testhost", { logfile }),
    programs: [],
  };
}

function setup(load: () => LoadResult) {
  const hub = new EventHub();
  const current = new CurrentConfig(config(null));
  const seen: string[] = [];
  current.subscribe((next) => {
    // The reload is logged before the daemon's parts follow the new config.
    const logged = hub.recent().some((e) => e.event === "reload");
    seen.push(`${next.daemon.logfile} after reload event: ${logged}`);
  });
  const supervisor = new Supervisor({
    config: current.value,
    hub,
    createOutput: () => {
      throw new Error("no programs");
    },
    loadConfig: () => Promise.resolve(load()),
    current,
  });
  return { current, seen, supervisor };
}

Deno.test("the supervisor hands an applied reload's config to the daemon's holder", async () => {
  const next = config("/tmp/next.log");
  const { current, seen, supervisor } = setup(() => ({ ok: true, config: next }));
  await supervisor.reload({ dryRun: true });
  assert.deepEqual(seen, []);
  await supervisor.reload({ dryRun: false });
  assert.equal(current.value, next);
  assert.deepEqual(seen, ["/tmp/next.log after reload event: true"]);
});

Deno.test("a failed reload leaves the daemon's config as it was", async () => {
  const { current, seen, supervisor } = setup(() => ({
    ok: false,
    errors: [{ line: 1, col: 1, path: "", message: "broken", text: "t.yaml:1:1: broken" }],
  }));
  const before = current.value;
  await assert.rejects(supervisor.reload({ dryRun: false }), /broken/);
  assert.equal(current.value, before);
  assert.deepEqual(seen, []);
  assert.equal(supervisor.info().lastReload?.ok, false);
});
