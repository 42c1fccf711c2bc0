import assert from "node:assert/strict";
import { resolveSocket } from "../../../ctl/socket.ts";
import { CtlError } from "../../../ctl/errors.ts";

const exitCode = (code: number) => (error: unknown) =>
  error instanceof CtlError && error.exitCode === code;

Deno.test("-c and -s together are a usage error (exit 2)", async () => {
  await assert.rejects(() => resolveSocket({ config: "a.yaml", socket: "/s" }), exitCode(2));
});

Deno.test("-s is used as given, made absolute against the working folder", async () => {
  assert.equal(await resolveSocket({ socket: "/run/tm.sock" }), "/run/tm.sock");
  assert.equal(await resolveSocket({ socket: "rel.sock" }), `${Deno.cwd()}/rel.sock`);
});

Deno.test("-c reads taskmaster.socket from the config, relative to the config's folder", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/t.yaml`, "taskmaster:\n  socket: run/x.sock\nprograms: {}\n");
    assert.equal(await resolveSocket({ config: `${dir}/t.yaml` }), `${dir}/run/x.sock`);
    await Deno.writeTextFile(`${dir}/d.yaml`, "programs: {}\n");
    assert.equal(await resolveSocket({ config: `${dir}/d.yaml` }), `${dir}/taskmasterd.sock`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("-c with an unreadable config is a usage error naming the file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await assert.rejects(
      () => resolveSocket({ config: `${dir}/missing.yaml` }),
      (error: unknown) => exitCode(2)(error) && String(error).includes(`${dir}/missing.yaml`),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
