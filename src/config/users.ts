/**
 * User and group lookups from /etc/passwd and /etc/group (Deno has no getpwnam). Files are
 * re-read on every call so a reload sees users added since the daemon started; they are small.
 */

/** One passwd entry, as the config loader needs it. */
export interface UserEntry {
  readonly uid: number;
  readonly gid: number;
  readonly name: string;
  readonly home: string;
}

/** One group entry. */
export interface GroupEntry {
  readonly gid: number;
  readonly name: string;
}

const PASSWD_FILE = "/etc/passwd";
const GROUP_FILE = "/etc/group";

function readLines(file: string): string[] {
  try {
    return Deno.readTextFileSync(file).split("\n");
  } catch (_e) {
    // No readable database means every lookup fails; the caller reports "unknown user".
    return [];
  }
}

function matches(nameOrId: string | number, name: string, id: number): boolean {
  if (typeof nameOrId === "number") return id === nameOrId;
  if (/^[0-9]+$/.test(nameOrId)) return id === Number(nameOrId);
  return name === nameOrId;
}

/**
 * Finds a user by login name, numeric id, or digits-only string. Returns null when no passwd
 * line matches (the first match wins, as getpwnam does).
 */
export function lookupUser(nameOrId: string | number): UserEntry | null {
  for (const line of readLines(PASSWD_FILE)) {
    const f = line.split(":");
    if (f.length < 7 || line.startsWith("#")) continue;
    const uid = Number(f[2]);
    const gid = Number(f[3]);
    if (!Number.isInteger(uid) || !Number.isInteger(gid) || f[2] === "") continue;
    if (matches(nameOrId, f[0] ?? "", uid)) {
      return { uid, gid, name: f[0] ?? "", home: f[5] || "/" };
    }
  }
  return null;
}

/** Finds a group by name, numeric id, or digits-only string; null when unknown. */
export function lookupGroup(nameOrId: string | number): GroupEntry | null {
  for (const line of readLines(GROUP_FILE)) {
    const f = line.split(":");
    if (f.length < 3 || line.startsWith("#")) continue;
    const gid = Number(f[2]);
    if (!Number.isInteger(gid) || f[2] === "") continue;
    if (matches(nameOrId, f[0] ?? "", gid)) return { gid, name: f[0] ?? "" };
  }
  return null;
}
