/**
 * Process names as clients write them (docs/cli.md "Names"): `all`, a program `prog` (every instance; the
 * process itself when numprocs is 1) or one instance `prog:N` (N a plain decimal index).
 * The one resolver used by the supervisor and the web page.
 */

/** What resolution needs to know of one process. */
export interface Addressable {
  readonly program: string;
  readonly index: number;
}

/** A parsed name: everything, a whole program, or one instance of a program. */
export type NameQuery =
  | { readonly kind: "all" }
  | { readonly kind: "program"; readonly program: string }
  | { readonly kind: "instance"; readonly program: string; readonly index: number };

/** An instance index after `prog:`: a plain decimal, no sign, no leading zero, ≤ 6 digits. */
const INDEX_RE = /^(0|[1-9][0-9]{0,5})$/;

/** Parses `name`; null when it cannot name anything (empty, or a malformed `:N`). */
export function parseName(name: string): NameQuery | null {
  if (name === "all") return { kind: "all" };
  const colon = name.indexOf(":");
  if (colon < 0) return name === "" ? null : { kind: "program", program: name };
  const program = name.slice(0, colon);
  const index = name.slice(colon + 1);
  if (program === "" || !INDEX_RE.test(index)) return null;
  return { kind: "instance", program, index: Number(index) };
}

/**
 * The items `name` addresses, in their order: every item for `all`, the program's instances, or
 * the one instance. Null when the name is malformed or addresses nothing (`all` never does).
 */
export function selectByName<T>(
  items: readonly T[],
  name: string,
  key: (item: T) => Addressable,
): T[] | null {
  const query = parseName(name);
  if (query === null) return null;
  if (query.kind === "all") return [...items];
  const found = items.filter((item) => {
    const { program, index } = key(item);
    return program === query.program && (query.kind === "program" || index === query.index);
  });
  return found.length === 0 ? null : found;
}
