/**
 * systemd unit-file escaping (docs/export.md "systemd escaping"). Specifiers (`%`) are expanded
 * in every setting, ExecStart also expands `$VAR`, and words are split on blanks with C-style
 * quoting; foreman's bugs #664 and #668 came from getting one of those wrong.
 */

/** Characters of a word that ExecStart takes literally without quotes. */
const BARE_WORD = /^[A-Za-z0-9_./:=@+,-]+$/;

/** A control character other than `\n` and `\t` (those ExecStart can quote). */
// deno-lint-ignore no-control-regex
const OTHER_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

/** Any control character (Environment= quotes none of them). */
// deno-lint-ignore no-control-regex
const ANY_CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** `%` → `%%`: specifiers are expanded in every setting. */
export function escapeSpecifiers(text: string): string {
  return text.replaceAll("%", "%%");
}

/** Why `text` cannot be written into a unit at all, or null. */
export function unitValueProblem(text: string, allowNewlineTab = false): string | null {
  const bad = (allowNewlineTab ? OTHER_CONTROL : ANY_CONTROL).exec(text);
  if (bad !== null) {
    const code = bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0");
    return `holds a control character (U+${code})`;
  }
  // A lone surrogate has no UTF-8 form: it could never arrive byte-identical.
  if (!text.isWellFormed()) return "holds a lone surrogate (not valid Unicode)";
  return null;
}

/**
 * One ExecStart= word: bare when every character is safe, else double-quoted with `\\ \" \n
 * \t` escapes; then `$` → `$$` and `%` → `%%`. Callers check {@link unitValueProblem} first.
 * `first` quotes anything not starting with `/`, so a leading `-`, `@`, `+`, `!` or `:` is
 * never read as an ExecStart prefix.
 */
export function execWord(word: string, first = false): string {
  let out: string;
  if (BARE_WORD.test(word) && !(first && !word.startsWith("/")) && word !== ";") out = word;
  else {
    out = `"${
      word.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n")
        .replaceAll("\t", "\\t")
    }"`;
  }
  return escapeSpecifiers(out.replaceAll("$", "$$$$"));
}

/** `Environment="K=V"` with `\\ \" %%` (the caller drops values with control characters). */
export function environmentLine(key: string, value: string): string {
  const body = `${key}=${value}`.replaceAll("\\", "\\\\").replaceAll('"', '\\"');
  return `Environment="${escapeSpecifiers(body)}"`;
}

/** True when systemd accepts `name` as an environment variable name. */
export function envNameOk(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name);
}
