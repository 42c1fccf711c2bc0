/** The one ErrorCode → HTTP status table, and both APIs answering with it. */
import assert from "node:assert/strict";
import { ERROR_CODES, type ErrorCode, ProtocolError } from "../../../src/protocol/errors.ts";
import { HTTP_STATUS, httpStatus } from "../../../src/protocol/http_status.ts";
import { createControlHandler } from "../../../src/control/handler.ts";
import { createWebHandler } from "../../../src/web/handler.ts";
import { FakeSupervisor } from "../../helpers/fake_supervisor.ts";

/** A fake whose `status` fails with `code`. */
class FailingSupervisor extends FakeSupervisor {
  code: ErrorCode = "INTERNAL";
  override status(): never {
    throw new ProtocolError(this.code, `failed with ${this.code}`);
  }
}

Deno.test("every error code has a status, and the documented ones are as docs/api.md says", () => {
  assert.deepEqual(Object.keys(HTTP_STATUS).sort(), [...ERROR_CODES].sort());
  for (const code of ERROR_CODES) {
    const status = httpStatus(code);
    assert(status >= 400 && status <= 599, `${code}: ${status}`);
  }
  assert.equal(httpStatus("BAD_NAME"), 404);
  assert.equal(httpStatus("SPAWN_ERROR"), 500);
  assert.equal(httpStatus("RELOAD_FAILED"), 422);
  assert.equal(httpStatus("SHUTTING_DOWN"), 503);
});

Deno.test("the two status tables agree: control and web answer the same status for every code", async () => {
  const api = new FailingSupervisor([["worker", 1]]);
  const control = createControlHandler(api);
  const web = createWebHandler(api, {
    http: { host: "127.0.0.1", port: 4242, token: null },
    csrfToken: "c".repeat(64),
    port: () => 4242,
  });
  for (const code of ERROR_CODES) {
    api.code = code;
    const fromControl = await control(
      new Request("http://taskmasterd/v1/status", { method: "POST", body: "{}" }),
    );
    const fromWeb = await web(
      new Request("http://127.0.0.1:4242/api/status", { headers: { host: "127.0.0.1:4242" } }),
    );
    const controlBody = await fromControl.json();
    const webBody = await fromWeb.json();
    assert.equal(controlBody.error.code, code);
    assert.equal(webBody.error.code, code);
    assert.equal(fromControl.status, httpStatus(code), `control, ${code}`);
    assert.equal(fromWeb.status, fromControl.status, `web vs control, ${code}`);
  }
});
