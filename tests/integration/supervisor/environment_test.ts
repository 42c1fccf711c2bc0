import assert from "node:assert/strict";
import { waitFor } from "../../helpers/wait_for.ts";
import { bin, config, type MemoryOutput, procStatus, spec, withRig } from "./harness.ts";

/** The child's stdout once it printed `ready`. */
function readyText(out: MemoryOutput | undefined): Promise<string> {
  return waitFor(() => out?.text.stdout.includes("ready") ? out.text.stdout : null, {
    what: "ready",
  });
}

Deno.test("env: daemon env minus secrets, program env, TASKMASTER_* win", async () => {
  Deno.env.set("TM_TEST_SECRET", "canary-secret");
  Deno.env.set("TM_TEST_PLAIN", "inherited");
  const cfg = config([
    spec("envy", [bin("print_env")], {
      numprocs: 2,
      env: { ANSWER: "42", TASKMASTER_PROGRAM: "spoofed" },
    }),
  ], ["TM_TEST_SECRET"]);
  try {
    await withRig(cfg, async (r) => {
      await r.sup.start(["envy:1"]);
      const out = r.outputs.get("envy:1");
      const text = await readyText(out);
      assert.match(text, /^ANSWER=42$/m);
      assert.match(text, /^TM_TEST_PLAIN=inherited$/m);
      assert.doesNotMatch(text, /canary-secret/);
      assert.match(text, /^TASKMASTER_PROGRAM=envy$/m);
      assert.match(text, /^TASKMASTER_PROCESS_NAME=envy:1$/m);
      assert.match(text, /^TASKMASTER_PROCESS_NUM=1$/m);
    });
  } finally {
    Deno.env.delete("TM_TEST_SECRET");
    Deno.env.delete("TM_TEST_PLAIN");
  }
});

Deno.test("uid/gid drop to nobody/nogroup: Uid, Gid never 0, Groups empty, HOME/USER follow", async () => {
  const identity = { uid: 65534, gid: 65534, user: "nobody", home: "/nonexistent" };
  const cfg = config([spec("dropped", [bin("print_env")], { identity })]);
  await withRig(cfg, async (r) => {
    const [res] = await r.sup.start(["dropped"]);
    assert.equal(res?.ok, true, res?.message ?? "no result");
    const pid = r.sup.status([])[0]?.pid ?? 0;
    const out = r.outputs.get("dropped");
    const text = await readyText(out);
    const st = procStatus(pid);
    assert.equal(st.Uid, "65534\t65534\t65534\t65534");
    assert.equal(st.Gid, "65534\t65534\t65534\t65534");
    assert.equal(st.Groups, "");
    assert.match(text, /^USER=nobody$/m);
    assert.match(text, /^HOME=\/nonexistent$/m);
    assert.match(text, /^LOGNAME=nobody$/m);
  });
});

const UMASK_CASES: [number, number, number][] = [[0o022, 0o644, 0o755], [0o077, 0o600, 0o700]];
for (const [umask, file, dir] of UMASK_CASES) {
  Deno.test(`umask ${umask.toString(8)} and workingdir apply to the child only`, async () => {
    const work = await Deno.makeTempDir();
    const before = Deno.umask();
    const cfg = config([spec("masked", [bin("pwd_umask"), work], { umask, workingdir: work })]);
    try {
      await withRig(cfg, async (r) => {
        await r.sup.start(["masked"]);
        const out = r.outputs.get("masked");
        const text = await readyText(out);
        assert.match(text, new RegExp(`^cwd=${work}$`, "m"));
        assert.equal((await Deno.stat(`${work}/file`)).mode! & 0o777, file);
        assert.equal((await Deno.stat(`${work}/dir`)).mode! & 0o777, dir);
        assert.equal(Deno.umask(), before, "daemon umask untouched");
        assert.equal(Deno.cwd() === work, false);
      });
    } finally {
      await Deno.remove(work, { recursive: true });
    }
  });
}

// The throttle's timing (immediate, then 1 s, 2 s, 4 s… capped; reset after 60 s up; stop in
// BACKOFF at once) is checked on a fake clock in tests/unit/supervisor/instance_test.ts and
// actions_test.ts; here a real child that crashes at once drives the loop.
Deno.test("crash-loop throttle: a real crashing child backs off 1 s, 2 s; stop in BACKOFF stops it", async () => {
  const cfg = config([
    spec("loop", [bin("crash_fast")], { autorestart: "always", maxrestartdelay: 2 }),
  ]);
  await withRig(cfg, async (r) => {
    r.sup.startAutostart();
    await r.waitEvent("backoff", "loop", 2, 15_000);
    const delays = r.events("backoff", "loop").map((e) => e.fields.delay);
    assert.deepStrictEqual(delays.slice(0, 2), [1, 2]);
    await waitFor(() => r.sup.status([])[0]?.state === "BACKOFF");
    assert.match(r.sup.status([])[0]?.description ?? "", /^crash loop: restart in \ds$/);
    assert.ok((r.sup.status([])[0]?.restarts ?? 0) >= 2);
    const [res] = await r.sup.stop(["loop"]);
    assert.equal(res?.state, "STOPPED");
    assert.equal(r.events("fatal", "loop").length, 0);
  });
});
