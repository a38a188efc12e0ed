// Server-side sessions (docs/security.md#sessions): one row per dashboard sign-in and per API user
// token. The JWT only carries the row's id (`sid`), so ending a session is one UPDATE, and no token
// or secret is ever stored. Revoking writes the session ids to the key-change log in the same
// transaction: every API replica already polls that log (and hears Redis announcements) to drop
// revoked keys, and drops these sessions from its cache the same way. A second sign-in factor
// (TOTP) would be checked before `openSession`: a row exists only for a sign-in that fully passed.
import type { Db } from "@keyward/db";
import type { Tx } from "../audit/append";
import { isUuid } from "../ids";

export const SESSION_KINDS = ["dashboard", "api"] as const;
export type SessionKind = (typeof SESSION_KINDS)[number];

/** A dashboard session ends after this long unused (next-auth's cookie lives as long). */
export const DASHBOARD_SESSION_SECONDS = 12 * 60 * 60;
/** last_seen_at is written at most this often per session, so a busy session costs no write per request. */
const TOUCH_EVERY_MS = 60_000;
const MAX_USER_AGENT = 500;
const MAX_IP = 64;

export interface SessionOrigin {
  /** Only from the configured proxies' headers (client-address), never a header the client chose. */
  ip: string | null;
  userAgent: string | null;
}

export interface UserSessionView {
  id: string;
  kind: SessionKind;
  userAgent: string | null;
  ip: string | null;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
}

/** Opens a session for a user whose sign-in passed; returns its id, for the JWT's `sid`. */
export async function openSession(
  db: Db | Tx,
  input: { userId: string; kind: SessionKind; expiresAt: Date } & SessionOrigin,
  now = new Date(),
): Promise<string> {
  const row = await db.userSession.create({
    data: {
      userId: input.userId,
      kind: input.kind,
      ip: input.ip?.slice(0, MAX_IP) ?? null,
      // Control characters would only garble the account page; the rest is shown as text.
      userAgent: input.userAgent?.replace(/\p{Cc}/gu, "").slice(0, MAX_USER_AGENT) || null,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: input.expiresAt,
    },
    select: { id: true },
  });
  return row.id;
}

/**
 * Whether the session is the user's, not revoked and not expired; a live one has its last_seen_at
 * moved on (at most once a minute), and a dashboard session's end with it.
 */
export async function checkSession(db: Db, sessionId: string, userId: string, now = new Date()): Promise<boolean> {
  if (!isUuid(sessionId) || !isUuid(userId)) return false;
  const row = await db.userSession.findUnique({
    where: { id: sessionId },
    select: { userId: true, kind: true, revokedAt: true, expiresAt: true, lastSeenAt: true },
  });
  if (!row || row.userId !== userId || row.revokedAt !== null || row.expiresAt <= now) return false;
  if (now.getTime() - row.lastSeenAt.getTime() >= TOUCH_EVERY_MS) {
    const extended =
      row.kind === "dashboard" ? { expiresAt: new Date(now.getTime() + DASHBOARD_SESSION_SECONDS * 1000) } : {};
    // Only while still live: a revocation made meanwhile is never undone by this write.
    await db.userSession.updateMany({
      where: { id: sessionId, revokedAt: null },
      data: { lastSeenAt: now, ...extended },
    });
  }
  return true;
}

/** The user's live sessions, most recently used first. */
export async function listSessions(db: Db, userId: string, now = new Date()): Promise<UserSessionView[]> {
  const rows = await db.userSession.findMany({
    where: { userId, revokedAt: null, expiresAt: { gt: now } },
    orderBy: { lastSeenAt: "desc" },
    select: { id: true, kind: true, userAgent: true, ip: true, createdAt: true, lastSeenAt: true, expiresAt: true },
    take: 200,
  });
  return rows.map((r) => ({ ...r, kind: r.kind === "api" ? "api" : "dashboard" }));
}

/**
 * Revokes the user's live sessions (all, or all but `except`) in `tx` and logs each id in the
 * key-change log, so every replica drops it within a poll; returns the ids for the caller to
 * announce at once (Redis).
 */
export async function revokeSessionsIn(
  tx: Tx,
  userId: string,
  opts: { except?: string; only?: string } = {},
  now = new Date(),
): Promise<string[]> {
  const live = await tx.userSession.findMany({
    where: {
      userId,
      revokedAt: null,
      ...(opts.only === undefined ? {} : { id: opts.only }),
      ...(opts.except === undefined ? {} : { id: { not: opts.except } }),
    },
    select: { id: true },
  });
  const ids = live.map((s) => s.id);
  if (ids.length === 0) return ids;
  await tx.userSession.updateMany({ where: { id: { in: ids } }, data: { revokedAt: now } });
  await tx.keyChange.createMany({ data: ids.map((keyId) => ({ keyId })) });
  return ids;
}

/** `revokeSessionsIn` in its own transaction. */
export function revokeSessions(
  db: Db,
  userId: string,
  opts: { except?: string; only?: string } = {},
  now = new Date(),
): Promise<string[]> {
  return db.$transaction((tx) => revokeSessionsIn(tx, userId, opts, now));
}
