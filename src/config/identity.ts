/**
 * `uid`/`gid` values (global and per program) → users and groups from the passwd/group files,
 * and the folded Identity a child is dropped to (SPEC §6, §13).
 */
import { isScalar } from "yaml";
import type { Ctx, Entry } from "./read.ts";
import { got } from "./read.ts";
import type { Identity } from "./types.ts";
import { type GroupEntry, lookupGroup, lookupUser, type UserEntry } from "./users.ts";

/** A name, a non-negative integer, or a digits-only string; else reports and returns null. */
function idValue(ctx: Ctx, e: Entry, what: string): string | number | null {
  const v = e.value;
  if (isScalar(v)) {
    if (typeof v.value === "number" && Number.isSafeInteger(v.value) && v.value >= 0) {
      return v.value;
    }
    if (typeof v.value === "string" && v.value !== "" && !v.value.includes("\0")) return v.value;
  }
  ctx.errors.at(e.offset, e.path, `must be a ${what} name or a number ${got(ctx, v)}`);
  return null;
}

/** Reads a `uid` entry; unknown users and (when not root) foreign users are errors. */
export function readUser(ctx: Ctx, e: Entry): UserEntry | undefined {
  const id = idValue(ctx, e, "user");
  if (id === null) return undefined;
  const u = lookupUser(id);
  if (u === null) {
    ctx.errors.at(
      e.offset,
      e.path,
      `unknown user ${JSON.stringify(String(id))} ${got(ctx, e.value)}`,
    );
    return undefined;
  }
  if (ctx.host.uid !== 0 && u.uid !== ctx.host.uid) {
    ctx.errors.at(
      e.offset,
      e.path,
      `cannot run programs as user ${u.name} (uid ${u.uid}): taskmasterd is not running as root`,
    );
    return undefined;
  }
  return u;
}

/** Reads a `gid` entry; unknown groups and (when not root) foreign groups are errors. */
export function readGroup(ctx: Ctx, e: Entry): GroupEntry | undefined {
  const id = idValue(ctx, e, "group");
  if (id === null) return undefined;
  const g = lookupGroup(id);
  if (g === null) {
    ctx.errors.at(
      e.offset,
      e.path,
      `unknown group ${JSON.stringify(String(id))} ${got(ctx, e.value)}`,
    );
    return undefined;
  }
  if (ctx.host.uid !== 0 && g.gid !== ctx.host.gid) {
    ctx.errors.at(
      e.offset,
      e.path,
      `cannot run programs as group ${g.name} (gid ${g.gid}): taskmasterd is not running as root`,
    );
    return undefined;
  }
  return g;
}

/**
 * The identity for a program: its own uid/gid override the global ones; a uid without a gid
 * takes the user's primary group (never group 0 by accident); a gid alone keeps the daemon's
 * user. Null when neither is configured.
 */
export function foldIdentity(
  ctx: Ctx,
  user: UserEntry | null,
  group: GroupEntry | null,
): Identity | null {
  if (user === null && group === null) return null;
  const u = user ?? lookupUser(ctx.host.uid);
  const uid = user?.uid ?? ctx.host.uid;
  return {
    uid,
    gid: group?.gid ?? u?.gid ?? ctx.host.gid,
    user: u?.name ?? String(uid),
    home: u?.home ?? "/",
  };
}
