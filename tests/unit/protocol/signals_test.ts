/** The signal lists: stop signals (config, pids file) within the sendable ones (`signal`). */
import assert from "node:assert/strict";
import {
  isSendableSignal,
  isStopSignal,
  parseSendableSignal,
  SENDABLE_SIGNALS,
  STOP_SIGNALS,
} from "../../../src/protocol/signals.ts";
import { parseSignal, SIGNAL_NAMES } from "../../../src/config/converters.ts";

Deno.test("every stop signal is sendable, and the lists have no duplicates", () => {
  for (const name of STOP_SIGNALS) assert(isSendableSignal(name), name);
  assert.equal(new Set(SENDABLE_SIGNALS).size, SENDABLE_SIGNALS.length);
  assert(isSendableSignal("SIGSTOP") && !isStopSignal("SIGSTOP"));
  assert(!isSendableSignal("SIGSEGV") && !isSendableSignal("sigterm") && !isStopSignal(15));
});

Deno.test("config's stopsignal accepts exactly the stop signals, in their order", () => {
  assert.deepEqual(SIGNAL_NAMES, STOP_SIGNALS.map((name) => name.slice(3)));
  for (const name of STOP_SIGNALS) assert.deepEqual(parseSignal(name.slice(3)), { ok: name });
  assert.deepEqual(parseSignal("STOP"), {
    error: "must be one of TERM, INT, QUIT, HUP, KILL, USR1, USR2 (got STOP)",
  });
});

Deno.test("the signal command's argument: any case, SIG optional, only sendable signals", () => {
  assert.equal(parseSendableSignal("hup"), "SIGHUP");
  assert.equal(parseSendableSignal("SIGhup"), "SIGHUP");
  assert.equal(parseSendableSignal("Stop"), "SIGSTOP");
  for (const bad of ["", "SIG", "9", "SIGSEGV", "SIGSIGTERM", " TERM"]) {
    assert.equal(parseSendableSignal(bad), null, bad);
  }
});
