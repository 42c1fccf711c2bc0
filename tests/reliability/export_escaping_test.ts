/**
 * W8 (docs/reliability.md): export escaping, seeded fuzz. 1,000 generated programs with random
 * names, arguments and environment values (`% " \ $`, blanks, quotes, unicode, control
 * characters) go through the real loader and the systemd renderer; `systemd-analyze verify` must
 * pass with empty stderr, and the `systemd --test` dump must show every exported value
 * byte-identical. Control characters are dropped with a note and never written.
 */
import assert from "node:assert/strict";
import { stringify } from "yaml";
import { parseConfigText } from "../../src/config/load.ts";
import { renderExport } from "../../src/export/render.ts";
import { dumpUnits, hasSystemd, verifyUnits } from "../helpers/systemd_tools.ts";

const SEED = 0x5eed_0008;
const PROGRAMS = 1000;

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NAME_FIRST = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const NAME_REST = NAME_FIRST + "_.-";
const HOSTILE = [..."%\"\\$ '`;&|<>(){}*?!#~=@+,:", "é", "ü", "字", "😀", "\t"];
const CONTROL = ["\x01", "\x07", "\x1b", "\x7f", "\x9b"];

function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)]!;
}

function text(rand: () => number, control: boolean, newline: boolean): string {
  const length = Math.floor(rand() * 12);
  let out = "";
  for (let i = 0; i < length; i++) {
    const r = rand();
    if (r < 0.45) out += pick(rand, [...NAME_REST]);
    else if (r < 0.9) out += pick(rand, HOSTILE);
    else if (r < 0.95 && newline) out += "\n";
    else if (control) out += pick(rand, CONTROL);
    else out += "x";
  }
  return out;
}

function generate(rand: () => number): Record<string, unknown> {
  const programs: Record<string, unknown> = {};
  while (Object.keys(programs).length < PROGRAMS) {
    let name = pick(rand, [...NAME_FIRST]);
    const length = 1 + Math.floor(rand() * 20);
    for (let i = 0; i < length; i++) name += pick(rand, [...NAME_REST]);
    if (name === "all" || Object.hasOwn(programs, name)) continue;
    const args = Array.from(
      { length: Math.floor(rand() * 5) },
      () => text(rand, rand() < 0.05, true),
    );
    const env: Record<string, string> = {};
    for (let i = Math.floor(rand() * 4); i > 0; i--) {
      env[`V_${i}${pick(rand, [..."ABC_x9"])}`] = text(rand, rand() < 0.1, false);
    }
    programs[name] = {
      cmd: ["/bin/echo", ...args],
      env,
      stopsignal: pick(rand, ["TERM", "USR1", "HUP"]),
    };
  }
  return { programs };
}

Deno.test({
  name: "W8: 1,000 hostile programs verify and arrive byte-identical in the systemd dump",
  ignore: !hasSystemd(),
  async fn() {
    const rand = prng(SEED);
    const dir = await Deno.makeTempDir({ prefix: "tm-w8-" });
    try {
      await Deno.chmod(dir, 0o755);
      const yaml = stringify(generate(rand), { lineWidth: 0 });
      const loaded = parseConfigText(yaml, "w8.yaml", `${dir}/w8.yaml`);
      assert.ok(loaded.ok, loaded.ok ? "" : loaded.errors.map((e) => e.text).join("\n"));
      const config = loaded.config;
      const result = renderExport(config, "systemd", { name: "w8" });
      assert.ok(!("error" in result));
      for (const file of result.files) {
        await Deno.writeTextFile(`${dir}/${file.path}`, file.content);
      }
      const all = result.files.map((f) => f.content).join("");
      // deno-lint-ignore no-control-regex
      assert.ok(!/[\x00-\x08\x0b-\x1f\x7f-\x9f]/.test(all), "no control character written");

      const started = performance.now();
      const verified = await verifyUnits(dir);
      const dump = await dumpUnits(dir, "w8");
      const seconds = (performance.now() - started) / 1000;

      let exported = 0;
      let values = 0;
      let identical = 0;
      let droppedPrograms = 0;
      let droppedVars = 0;
      for (const spec of config.programs) {
        const unit = dump.get(`w8-${spec.name}.service`);
        // deno-lint-ignore no-control-regex
        const controlArg = spec.argv.some((a) => /[\x00-\x08\x0b-\x1f\x7f-\x9f]/.test(a));
        if (controlArg) {
          droppedPrograms++;
          assert.equal(unit, undefined, `${spec.name}: no unit`);
          assert.ok(result.notes.some((n) => n.key === `${spec.name}.cmd` && n.kind === "dropped"));
          continue;
        }
        exported++;
        assert.ok(unit !== undefined, `${spec.name}: in the dump`);
        values += spec.argv.length;
        if (JSON.stringify(unit.argv) === JSON.stringify(spec.argv)) identical += spec.argv.length;
        else assert.deepEqual(unit.argv, spec.argv, `${spec.name}: argv`);
        for (const [key, value] of Object.entries(spec.env)) {
          // deno-lint-ignore no-control-regex
          if (/[\x00-\x1f\x7f-\x9f]/.test(value)) {
            droppedVars++;
            assert.ok(
              !unit.env.some((e) => e.startsWith(`${key}=`)),
              `${spec.name}.${key} dropped`,
            );
            assert.ok(
              result.notes.some((n) =>
                n.key === `${spec.name}.env` && n.message.startsWith(`${key}:`)
              ),
            );
            continue;
          }
          values++;
          assert.ok(
            unit.env.includes(`${key}=${value}`),
            `${spec.name}.${key}: ${JSON.stringify(value)}`,
          );
          identical++;
        }
        assert.equal(unit.killSignal, spec.stopsignal);
      }
      const met = verified.code === 0 && verified.stderr === "" && identical === values;
      console.log(
        `W8: ${PROGRAMS} programs (seed ${SEED.toString(16)}): ${exported} exported, ` +
          `${droppedPrograms} dropped (control characters in argv), ${droppedVars} variables ` +
          `dropped; ${identical}/${values} values byte-identical in the dump; verify exit ` +
          `${verified.code}, stderr ${verified.stderr.length} bytes; ${seconds.toFixed(1)} s — ` +
          (met ? "met" : "MISSED"),
      );
      assert.equal(verified.stderr, "");
      assert.equal(verified.code, 0);
      assert.equal(identical, values);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
