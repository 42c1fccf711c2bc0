import assert from "node:assert/strict";
import {
  emptyExportArgs,
  readExportOption,
  setExportTarget,
} from "../../../src/protocol/export_args.ts";
import { defaultAppName, noteLine } from "../../../src/protocol/export.ts";

Deno.test("export options: both spellings, repeatable --image, errors named", () => {
  const args = emptyExportArgs();
  const argv = ["-o", "/out", "--name=app", "--image", "a", "--image=p=b", "--strict", "--json"];
  for (let i = 0; i < argv.length;) {
    const used = readExportOption(argv, i, args);
    assert.ok(typeof used === "number" && used > 0, String(argv[i]));
    i += used;
  }
  assert.equal(args.out, "/out");
  assert.equal(args.name, "app");
  assert.deepEqual(args.images, ["a", "p=b"]);
  assert.ok(args.strict && args.json && !args.force);
  assert.equal(readExportOption(["-x"], 0, args), 0);
  assert.deepEqual(readExportOption(["--namespace"], 0, args), {
    error: "--namespace needs a value",
  });
  assert.equal(setExportTarget(args, "systemd"), null);
  assert.match(setExportTarget(args, "nomad") ?? "", /unknown export target 'nomad'/);
});

Deno.test("app name defaults to the config's base name; note lines", () => {
  assert.equal(defaultAppName("/etc/taskmaster/prod.yaml"), "prod");
  assert.equal(defaultAppName("taskmaster"), "taskmaster");
  assert.equal(
    noteLine({ key: "web.umask", kind: "dropped", message: "Kubernetes has no umask" }),
    "note: web.umask: dropped: Kubernetes has no umask",
  );
});
