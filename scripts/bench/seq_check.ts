/** Expected size and verification of a `seq 1 N` log: lines lost, duplicated or reordered. */

/** Bytes `seq 1 n` prints (each number in decimal plus a newline). */
export function expectedSeqBytes(n: number): number {
  let total = 0;
  for (let digits = 1, low = 1; low <= n; digits++, low *= 10) {
    const high = Math.min(n, low * 10 - 1);
    total += (high - low + 1) * (digits + 1);
  }
  return total;
}

/** Outcome of a verification: numbers missing, numbers out of place, bytes that are not lines. */
export interface SeqCheck {
  lost: number;
  misplaced: number;
  extraBytes: number;
}

/**
 * Streams `file` and compares it with `seq 1 n`: a number below the next expected one counts as
 * duplicated or reordered, a jump counts the skipped numbers as lost, and non-digit bytes (a
 * prefix a tool added, a marker line) count as extra bytes.
 */
export async function verifySeqFile(file: string, n: number): Promise<SeqCheck> {
  const result: SeqCheck = { lost: 0, misplaced: 0, extraBytes: 0 };
  let next = 1;
  let value = 0;
  let inLine = false;
  using handle = await Deno.open(file);
  const buffer = new Uint8Array(1 << 20);
  while (true) {
    const got = await handle.read(buffer);
    if (got === null) break;
    for (let i = 0; i < got; i++) {
      const byte = buffer[i]!;
      if (byte >= 48 && byte <= 57) {
        value = value * 10 + byte - 48;
        inLine = true;
      } else if (byte === 10) {
        if (!inLine) result.extraBytes++;
        else if (value === next) next++;
        else if (value < next) result.misplaced++;
        else [result.lost, next] = [result.lost + value - next, value + 1];
        value = 0;
        inLine = false;
      } else {
        result.extraBytes++;
      }
    }
  }
  if (inLine) result.extraBytes++; // a last line without newline
  result.lost += Math.max(0, n + 1 - next);
  return result;
}
