/**
 * `uid`/`gid` values (global and per program) → users and groups from the passwd/group files,
 * and the folded Identity a child is dropped to (docs/config.md "uid and gid").
 */
import { isScalar } from "yaml";
import type { Ctx, Entry } from "./yaml_nodes.ts";
import { got } from "./yaml_nodes.ts";
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
  return readId(ctx, e, {
    what: "user",
    key: "uid",
    lookup: lookupUser,
    id: (u) => u.uid,
    own: ctx.host.uid,
  });
}

/** Reads a `gid` entry; unknown groups and (when not root) foreign groups are errors. */
export function readGroup(ctx: Ctx, e: Entry): GroupEntry | undefined {
  return readId(ctx, e, {
    what: "group",
    key: "gid",
    lookup: lookupGroup,
    id: (g) => g.gid,
    own: ctx.host.gid,
  });
}

/** The shared rules of `uid` and `gid`: the value's form, existence, and the non-root limit. */
function readId<T extends { name: string }>(
  ctx: Ctx,
  e: Entry,
  kind: {
    what: "user" | "group";
    key: "uid" | "gid";
    lookup: (id: string | number) => T | null;
    id: (found: T) => number;
    own: number;
  },
): T | undefined {
  const id = idValue(ctx, e, kind.what);
  if (id === null) return undefined;
  const found = kind.lookup(id);
  if (found === null) {
    ctx.errors.at(
      e.offset,
      e.path,
      `unknown ${kind.what} ${JSON.stringify(String(id))} ${got(ctx, e.value)}`,
    );
    return undefined;
  }
  if (ctx.host.uid !== 0 && kind.id(found) !== kind.own) {
    ctx.errors.at(
      e.offset,
      e.path,
      `cannot run programs as ${kind.what} ${found.name} (${kind.key} ${
        kind.id(found)
      }): taskmasterd is not running as root`,
    );
    return undefined;
  }
  return found;
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
