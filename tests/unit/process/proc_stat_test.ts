/** The one /proc/PID/stat parser: fields after the LAST `)` of the command name. */
import assert from "node:assert/strict";
import { isDeadState, parseProcStat, statFields } from "../../../src/process/proc_stat.ts";

/** A stat line with `comm` and fields 3… (state, ppid, pgrp, session, …, starttime at 22). */
function line(pid: number, comm: string, state = "S"): string {
  const rest = [state, "1", "4242", "4242", "0", "-1", "4194560", "0", "0", "0", "0"];
  rest.push("17", "5"); // utime, stime (fields 14, 15)
  rest.push("0", "0", "20", "0", "1", "0", "987654"); // … starttime (22)
  rest.push("1000", "200");
  return `${pid} (${comm}) ${rest.join(" ")}\n`;
}

Deno.test("parseProcStat reads the named fields", () => {
  assert.deepEqual(parseProcStat(line(123, "sleep")), {
    pid: 123,
    comm: "sleep",
    state: "S",
    ppid: 1,
    pgid: 4242,
    sid: 4242,
    utime: 17,
    stime: 5,
    startTime: "987654",
  });
});

Deno.test("a command name with spaces and parentheses does not shift the fields", () => {
  for (const comm of ["a b", "x) R 1 2 (y", ")", "((", "a)(b) ) ", ""]) {
    const stat = parseProcStat(line(77, comm, "T"));
    assert(stat !== null, comm);
    assert.equal(stat.comm, comm);
    assert.equal(stat.state, "T");
    assert.equal(stat.pgid, 4242);
    assert.equal(stat.startTime, "987654");
    assert.equal(statFields(line(77, comm, "T"))[0], "T");
  }
});

Deno.test("what is not a stat line is null", () => {
  for (const bad of ["", "garbage", "12 (short) S 1 2", "x (a) " + "S ".repeat(30), "(a) S"]) {
    assert.equal(parseProcStat(bad), null, JSON.stringify(bad));
  }
});

Deno.test("the live process's own line parses", () => {
  const stat = parseProcStat(Deno.readTextFileSync(`/proc/${Deno.pid}/stat`));
  assert(stat !== null);
  assert.equal(stat.pid, Deno.pid);
  assert.equal(stat.ppid, Deno.ppid);
  assert(!isDeadState(stat.state));
  assert(isDeadState("Z") && isDeadState("X") && !isDeadState("T"));
});
