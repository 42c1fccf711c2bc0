/** docs/taskmaster.schema.json must list exactly the validator's keys, defaults and enums. */
import assert from "node:assert/strict";
import {
  ALERT_KEYS,
  ALERT_NUMBERS,
  DAEMON_KEYS,
  DEPENDENCY_CONDITIONS,
  ENV_FILE_DEFAULTS,
  ENV_FILE_KEYS,
  HEALTH_ACTIONS,
  HEALTH_DEFAULTS,
  HEALTH_KEYS,
  HTTP_CHECK_KEYS,
  HTTP_DEFAULTS,
  HTTP_KEYS,
  PROGRAM_DEFAULTS,
  PROGRAM_KEYS,
  READY_DEFAULTS,
  READY_KEYS,
  SMTP_DEFAULTS,
  SMTP_KEYS,
  TOP_KEYS,
} from "../../../src/config/key_table.ts";
import { CRITICAL_MODES, SIGNAL_NAMES } from "../../../src/config/converters.ts";
import { ok } from "./helpers.ts";

type Obj = Record<string, unknown> & { properties: Record<string, Obj> };
const schema = JSON.parse(
  await Deno.readTextFile(new URL("../../../docs/taskmaster.schema.json", import.meta.url)),
) as Obj & { $defs: { program: Obj } };

const sorted = (a: readonly string[]) => [...a].sort();
const props = (o: Obj) => sorted(Object.keys(o.properties));
const variant = (o: unknown) => ((o as { oneOf: Obj[] }).oneOf.find((x) => x.properties))!;

Deno.test("schema keys equal the validator's key tables", () => {
  assert.deepEqual(props(schema), sorted(TOP_KEYS));
  const tm = schema.properties.taskmaster!;
  assert.deepEqual(props(tm), sorted(DAEMON_KEYS));
  assert.deepEqual(props(schema.$defs.program), sorted(PROGRAM_KEYS));
  assert.deepEqual(props(variant(tm.properties.http)), sorted(HTTP_KEYS));
  assert.deepEqual(props(tm.properties.smtp!), sorted(SMTP_KEYS));
  assert.deepEqual(props(tm.properties.alerts!), sorted(ALERT_KEYS));
  assert.equal(schema.additionalProperties, false);
  assert.equal(schema.$defs.program.additionalProperties, false);
});

Deno.test("schema defaults equal the validator's defaults (and the loaded values)", () => {
  const p = schema.$defs.program.properties;
  for (const [k, v] of Object.entries(PROGRAM_DEFAULTS)) assert.deepEqual(p[k]!.default, v, k);
  const tm = schema.properties.taskmaster!.properties;
  const http = variant(tm.http).properties;
  for (const [k, v] of Object.entries(HTTP_DEFAULTS)) assert.deepEqual(http[k]!.default, v, k);
  for (const [k, v] of Object.entries(SMTP_DEFAULTS)) {
    assert.deepEqual(tm.smtp!.properties[k]!.default, v, k);
  }
  for (const [k, [, d]] of Object.entries(ALERT_NUMBERS)) {
    assert.equal(tm.alerts!.properties[k]!.default, d, k);
  }
  const spec = ok("programs:\n  w:\n    cmd: x\n").programs[0]!;
  assert.equal(spec.stopsignal, `SIG${p.stopsignal!.default}`);
  assert.equal(spec.numprocs, p.numprocs!.default);
});

Deno.test("schema enums equal the validator's", () => {
  const p = schema.$defs.program.properties;
  const sigs = sorted(SIGNAL_NAMES.flatMap((s) => [s, `SIG${s}`]));
  assert.deepEqual(sorted(p.stopsignal!.enum as string[]), sigs);
  assert.deepEqual(p.autorestart!.enum, [true, false, "unexpected"]);
  assert.deepEqual(p.critical!.enum, [false, ...CRITICAL_MODES]);
  assert.equal(p.numprocs!.maximum, 10000);
});

Deno.test("schema env_file item keys and defaults equal the validator's", () => {
  const defs = schema.$defs as unknown as Record<string, { oneOf: Obj[] }>;
  const item = variant(defs.envFileItem);
  assert.deepEqual(props(item), sorted(ENV_FILE_KEYS));
  assert.equal(item.properties.required!.default, ENV_FILE_DEFAULTS.required);
});

Deno.test("schema ready/health keys, defaults and enums equal the validator's", () => {
  const p = schema.$defs.program.properties;
  assert.deepEqual(props(p.ready!), sorted(READY_KEYS));
  assert.deepEqual(props(p.health!), sorted(HEALTH_KEYS));
  for (const [k, v] of Object.entries(READY_DEFAULTS)) {
    assert.deepEqual(p.ready!.properties[k]!.default, v, k);
  }
  for (const [k, v] of Object.entries(HEALTH_DEFAULTS)) {
    assert.deepEqual(p.health!.properties[k]!.default, v, k);
  }
  assert.deepEqual(p.health!.properties.action!.enum, [...HEALTH_ACTIONS]);
  const map =
    (p.depends_on as unknown as { oneOf: { additionalProperties?: { enum: string[] } }[] })
      .oneOf.find((o) => o.additionalProperties)!;
  assert.deepEqual(map.additionalProperties!.enum, [...DEPENDENCY_CONDITIONS]);
  const http = (schema.$defs as unknown as Record<string, unknown>).checkHttp;
  assert.deepEqual(props(variant(http)), sorted(HTTP_CHECK_KEYS));
});
