import assert from "node:assert/strict";
import {
  DEFAULT_CONFIG_PATHS,
  normalizeAbs,
  resolveSocketPath,
  socketPathFromConfigText,
} from "../../../src/protocol/socket_path.ts";
import { ok } from "../config/helpers.ts";

Deno.test("socket path: default beside the config, relative against its folder, absolute kept", async () => {
  assert.deepEqual(DEFAULT_CONFIG_PATHS, ["./taskmaster.yaml", "/etc/taskmaster/taskmaster.yaml"]);
  assert.equal(
    await socketPathFromConfigText("programs: {}\n", "/a/b/t.yaml"),
    "/a/b/taskmasterd.sock",
  );
  assert.equal(
    await socketPathFromConfigText(
      "taskmaster:\n  socket: run/x.sock\nprograms: {}\n",
      "/a/b/t.yaml",
    ),
    "/a/b/run/x.sock",
  );
  assert.equal(
    await socketPathFromConfigText("taskmaster: { socket: ../x.sock }\n", "/a/b/t.yaml"),
    "/a/x.sock",
  );
  assert.equal(
    await socketPathFromConfigText("taskmaster: { socket: /s.sock }\n", "/a/t.yaml"),
    "/s.sock",
  );
});

Deno.test("socket path: broken or odd files fall back to the default, never throw", async () => {
  for (const t of ["{", "", "taskmaster: { socket: 5 }", "[".repeat(100000), "taskmaster: 3"]) {
    assert.equal(await socketPathFromConfigText(t, "/c/t.yaml"), "/c/taskmasterd.sock");
  }
});

Deno.test("daemon and controller agree on the socket path", async () => {
  for (const s of ["", "socket: x.sock", "socket: ./r/../y.sock", "socket: /tmp/z.sock"]) {
    const text = `taskmaster:\n  ${s || "logbackups: 1"}\nprograms: {}\n`;
    assert.equal(
      ok(text).daemon.socket,
      await socketPathFromConfigText(text, "/srv/app/taskmaster.yaml"),
    );
  }
});

Deno.test("normalizeAbs and resolveSocketPath", () => {
  assert.equal(normalizeAbs("/a//b/./c/../d/"), "/a/b/d");
  assert.equal(normalizeAbs("/../.."), "/");
  assert.equal(resolveSocketPath(null, "/t.yaml"), "/taskmasterd.sock");
  assert.equal(resolveSocketPath("s", "/x/y/../t.yaml"), "/x/s");
});
