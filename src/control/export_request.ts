/** The body of `POST /v1/export` (docs/api.md), checked field by field. */
import { type ExportRequest, isExportTarget } from "../protocol/export.ts";
import { ProtocolError } from "../protocol/errors.ts";
import { type Body, needString, optStringArray } from "./request_body.ts";

function optString(body: Body, key: string): string | undefined {
  if (!Object.hasOwn(body, key) || body[key] === undefined) return undefined;
  return needString(body, key);
}

/** `{target, name?, images?, namespace?}`; throws BAD_REQUEST naming the bad field. */
export function exportRequest(body: Body): ExportRequest {
  const target = needString(body, "target");
  if (!isExportTarget(target)) {
    throw new ProtocolError("BAD_REQUEST", "target: must be systemd or kubernetes");
  }
  const name = optString(body, "name");
  const namespace = optString(body, "namespace");
  const images = optStringArray(body, "images");
  return {
    target,
    ...(name === undefined ? {} : { name }),
    ...(namespace === undefined ? {} : { namespace }),
    ...(images === undefined ? {} : { images }),
  };
}
