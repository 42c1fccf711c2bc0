import assert from "node:assert/strict";
import {
  placeholderProblem,
  resolvePlaceholders,
  resolveTarget,
  targetPlaceholderProblem,
} from "../../../src/config/check_placeholders.ts";

Deno.test("placeholders: {num} and {num+N} resolve for an index", () => {
  assert.equal(resolvePlaceholders("127.0.0.1:{num+8000}", 2), "127.0.0.1:8002");
  assert.equal(resolvePlaceholders("/srv/{num}/{num}", 3), "/srv/3/3");
  assert.equal(resolvePlaceholders("no placeholder", 1), "no placeholder");
  assert.equal(resolvePlaceholders("a{2}b {numx}", 1), "a{2}b {numx}");
});

Deno.test("placeholders: malformed forms are config problems, other braces are not", () => {
  for (const ok of ["{num}", "x{num+0}y", "{num+65535}", "a{2,3}", "{}", "{port}", ""]) {
    assert.equal(placeholderProblem(ok), null, ok);
  }
  for (const bad of ["{num-1}", "{num+}", "{ num }", "{NUM}", "{num+1", "{num + 1}", "{num+x}"]) {
    const problem = placeholderProblem(bad);
    assert.match(problem ?? "", /^bad placeholder ".*": use \{num\} or \{num\+N\}$/, bad);
  }
  assert.match(placeholderProblem("{num+9999999}") ?? "", /at most 1000000/);
});

Deno.test("placeholders: every string of a target resolves; the input is untouched", () => {
  const exec = { kind: "exec", argv: ["check", "--port={num+10}"] } as const;
  assert.deepEqual(resolveTarget(exec, 1).argv, ["check", "--port=11"]);
  assert.deepEqual(exec.argv, ["check", "--port={num+10}"]);
  const tcp = resolveTarget({ kind: "tcp", host: "h{num}", port: "{num+5000}" }, 4);
  assert.deepEqual(tcp, { kind: "tcp", host: "h4", port: "5004" });
  const http = { kind: "http", url: "http://x/{num}", status: null, tlsverify: true } as const;
  assert.equal(resolveTarget(http, 0).url, "http://x/0");
  assert.equal(resolveTarget({ kind: "log", pattern: "port {num+80}" }, 1).pattern, "port 81");
  assert.match(targetPlaceholderProblem({ kind: "exec", argv: ["a", "{num-}"] }) ?? "", /bad/);
  assert.equal(targetPlaceholderProblem(tcp), null);
});
