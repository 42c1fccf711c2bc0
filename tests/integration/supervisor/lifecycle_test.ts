import assert from "node:assert/strict";
import { pidAlive, procState, waitFor } from "../../helpers/wait_for.ts";
import { bin, config, spec, withRig } from "./harness.ts";

Deno.test("numprocs naming: prog for 1, prog:N for more; prog:0 addresses a single one", async () => {
  const cfg = config([
    spec("one", [bin("forever")]),
    spec("many", [bin("forever")], { numprocs: 3 }),
  ]);
  await withRig(cfg, async (r) => {
    r.sup.startAutostart();
    await r.waitEvent("running", "many:2");
    await r.waitEvent("running", "one");
    assert.deepStrictEqual(r.sup.status([]).map((s) => [s.name, s.index, s.state]), [
      ["one", 0, "RUNNING"],
      ["many:0", 0, "RUNNING"],
      ["many:1", 1, "RUNNING"],
      ["many:2", 2, "RUNNING"],
    ]);
    assert.deepStrictEqual(r.sup.status(["one:0"]).map((s) => s.name), ["one"]);
    assert.deepStrictEqual(r.sup.status(["many"]).length, 3);
    for (const bad of ["many:3", "__proto__", "constructor", "one:x", "", "many:01"]) {
      assert.throws(() => r.sup.status([bad]), /no such process/, bad);
    }
    const res = await r.sup.stop(["many:1", "nope"]);
    assert.deepStrictEqual(res.map((x) => [x.name, x.ok, x.message]), [
      ["many:1", true, "stopped"],
      ["nope", false, "no such process"],
    ]);
    assert.deepStrictEqual((await r.sup.stop(["many:1"]))[0]?.message, "not running");
    assert.deepStrictEqual((await r.sup.start(["one"]))[0]?.message, "already started");
  });
});

// Timing (RUNNING exactly after starttime) is checked on a fake clock in
// tests/unit/supervisor/actions_test.ts; here a real child reaches RUNNING.
Deno.test("autostart false is not started; start waits for RUNNING", async () => {
  const cfg = config([spec("slow", [bin("forever")], { autostart: false, starttime: 0.3 })]);
  await withRig(cfg, async (r) => {
    r.sup.startAutostart();
    assert.equal(r.sup.status([])[0]?.state, "STOPPED");
    const [res] = await r.sup.start(["slow"]);
    assert.equal(res?.ok, true);
    assert.equal(res?.message, "started");
    assert.equal(r.sup.status([])[0]?.state, "RUNNING");
  });
});

Deno.test("autorestart modes with exitcodes", async () => {
  const cfg = config([
    spec("never", [bin("exit_with"), "3", "0.2"], { autorestart: "never" }),
    spec("expected", [bin("exit_with"), "2", "0.2"], { exitcodes: [0, 2] }),
    spec("unexpected", [bin("exit_with"), "3", "0.2"], { exitcodes: [0, 2] }),
    spec("always", [bin("exit_with"), "0", "0.2"], { autorestart: "always" }),
  ]);
  await withRig(cfg, async (r) => {
    r.sup.startAutostart();
    await r.waitEvent("spawned", "unexpected", 2);
    await r.waitEvent("spawned", "always", 2);
    const e = await r.waitEvent("exited", "expected");
    assert.equal(e.fields.expected, true);
    await r.waitEvent("exited", "never");
    const st = Object.fromEntries(r.sup.status([]).map((s) => [s.name, s]));
    assert.equal(st.never?.state, "EXITED");
    assert.equal(st.never?.exitCode, 3);
    assert.equal(st.expected?.state, "EXITED");
    assert.equal(r.events("spawned", "never").length, 1);
    assert.equal(r.events("spawned", "expected").length, 1);
    assert.ok((st.unexpected?.restarts ?? 0) >= 1);
  });
});

// The backoff timing (1 s, 2 s, answer with the last failure) is checked on a fake clock in
// tests/unit/supervisor/{instance,actions}_test.ts; here a real exit status 7 drives it.
Deno.test("startretries: a real exit before starttime retries, then FATAL with the reason", async () => {
  const cfg = config([spec("bad", [bin("exit_with"), "7"], { starttime: 1, startretries: 2 })]);
  await withRig(cfg, async (r) => {
    const [res] = await r.sup.start(["bad"]);
    assert.equal(res?.ok, false);
    assert.match(res?.message ?? "", /FATAL: exit status 7/);
    assert.equal(r.events("spawned", "bad").length, 3);
    assert.deepStrictEqual(r.events("backoff", "bad").map((e) => e.fields.delay), [1, 2]);
    const [st] = r.sup.status(["bad"]);
    assert.equal(st?.state, "FATAL");
    assert.equal(st?.description, "exit status 7");
  });
});

Deno.test("missing command and missing workingdir end FATAL with the OS text, never exit 127", async () => {
  const plain = await Deno.makeTempFile();
  const cfg = config([
    spec("nocmd", ["/nonexistent/prog"], { startretries: 0 }),
    spec("nobare", ["no-such-command-xyz"], { startretries: 0 }),
    spec("nodir", [bin("forever")], { startretries: 0, workingdir: "/nonexistent/dir" }),
    spec("noexec", [plain], { startretries: 1 }),
  ]);
  await withRig(cfg, async (r) => {
    const res = await r.sup.start(["all"]);
    assert.ok(res.every((x) => !x.ok && x.state === "FATAL"), JSON.stringify(res));
    const st = Object.fromEntries(r.sup.status([]).map((s) => [s.name, s.description]));
    assert.match(st.nocmd ?? "", /No such file or directory \(os error 2\)/);
    assert.match(st.nobare ?? "", /command not found in PATH: no-such-command-xyz/);
    assert.match(st.nodir ?? "", /workingdir.*No such file or directory/);
    assert.match(st.noexec ?? "", /Permission denied/);
    assert.equal(r.events("spawned").length, 0);
  });
  await Deno.remove(plain);
});

// SIGKILL exactly at stoptime is checked on a fake clock in tests/unit/supervisor/actions_test.ts;
// here the SIGKILL reaches a real child that ignores SIGTERM.
Deno.test("stop: a TERM-ignoring child gets SIGKILL after stoptime (F1)", async () => {
  const cfg = config([spec("stubborn", [bin("ignore_term")], { stoptime: 1 })]);
  await withRig(cfg, async (r) => {
    await r.sup.start(["stubborn"]);
    const out = r.outputs.get("stubborn");
    await waitFor(() => out?.text.stdout.includes("ready"), { what: "ready" });
    const pid = r.sup.status([])[0]?.pid ?? 0;
    const [res] = await r.sup.stop(["stubborn"]);
    assert.equal(res?.ok, true);
    assert.equal(r.events("killed", "stubborn").length, 1);
    const [st] = r.sup.status([]);
    assert.equal(st?.state, "STOPPED");
    assert.equal(st?.signal, "SIGKILL");
    assert.equal(pidAlive(pid), false);
  });
});

Deno.test("stop: a SIGSTOPped child still stops promptly (F2)", async () => {
  const cfg = config([spec("frozen", [bin("stop_self")], { stoptime: 3 })]);
  await withRig(cfg, async (r) => {
    await r.sup.start(["frozen"]);
    const pid = r.sup.status([])[0]?.pid ?? 0;
    await waitFor(() => procState(pid) === "T", {
      what: "stopped state",
    });
    const [res] = await r.sup.stop(["frozen"]);
    assert.equal(res?.ok, true);
    // Killed by SIGTERM, not by the SIGKILL of stoptime: the SIGCONT let it receive the TERM.
    assert.equal(r.sup.status([])[0]?.signal, "SIGTERM");
    assert.equal(r.events("killed", "frozen").length, 0);
  });
});

Deno.test("grandchildren die with the group, on stop and after the main process exits (F3)", async () => {
  const cfg = config([
    spec("tree", [bin("spawn_grandchildren")], { stoptime: 1 }),
    spec("daemonish", [bin("spawn_grandchildren"), "exit"], { stoptime: 1, autorestart: "never" }),
  ]);
  await withRig(cfg, async (r) => {
    r.sup.startAutostart();
    const pidsOf = async (name: string) => {
      const out = r.outputs.get(name);
      const line = await waitFor(() => out?.text.stdout.match(/pids ([\d ]+)/)?.[1], {
        what: "pids",
      });
      return line.trim().split(" ").map(Number);
    };
    const tree = await pidsOf("tree");
    const daemonish = await pidsOf("daemonish");
    await r.waitEvent("exited", "daemonish", 1, 5000);
    for (const pid of daemonish) assert.equal(pidAlive(pid), false, `leftover ${pid}`);
    await r.sup.stop(["tree"]);
    for (const pid of tree) assert.equal(pidAlive(pid), false, `grandchild ${pid}`);
  });
});
