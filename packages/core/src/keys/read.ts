// Reading a company's keys: one by id, or a page filtered by environment, status or text.
import { EXPIRING_WITHIN_MS } from "@keyward/auth-core";
import type { Db, Prisma } from "@keyward/db";
import { type PublicKey, toPublicKey } from "./public-key";
import { findOwnKey } from "./rows";
import type { ListKeysQuery } from "./schemas";

/** Status is derived from timestamps, so a status filter is a condition on them at `now`. */
function statusWhere(status: NonNullable<ListKeysQuery["status"]>, now: Date): Prisma.ApiKeyWhereInput {
  const soon = new Date(now.getTime() + EXPIRING_WITHIN_MS);
  const notExpired: Prisma.ApiKeyWhereInput = {
    AND: [
      { OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] },
      { OR: [{ graceEndsAt: null }, { graceEndsAt: { gt: now } }] },
    ],
  };
  switch (status) {
    case "current":
      return { revokedAt: null, ...notExpired };
    case "revoked":
      return { revokedAt: { not: null } };
    case "expired":
      return { revokedAt: null, OR: [{ expiresAt: { lte: now } }, { graceEndsAt: { lte: now } }] };
    case "expiring":
      return { revokedAt: null, ...notExpired, OR: [{ graceEndsAt: { not: null } }, { expiresAt: { lte: soon } }] };
    case "active":
      return { revokedAt: null, graceEndsAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: soon } }] };
  }
}

/**
 * A page of a company's keys, newest first. `nextCursor` leads to older keys, `prevCursor` to newer
 * ones (null on the first page); both are key ids, so pages hold when keys are added meanwhile.
 */
export async function listKeys(
  db: Db,
  companyId: string,
  query: ListKeysQuery,
  now = new Date(),
): Promise<{ data: PublicKey[]; nextCursor: string | null; prevCursor: string | null }> {
  const where: Prisma.ApiKeyWhereInput = { companyId };
  const and: Prisma.ApiKeyWhereInput[] = [];
  if (query.environment) where.environment = query.environment;
  if (query.status) and.push(statusWhere(query.status, now));
  if (query.q)
    and.push({ OR: [{ name: { contains: query.q, mode: "insensitive" } }, { start: { startsWith: query.q } }] });
  if (and.length) where.AND = and;

  if (query.before) {
    // Walk towards newer keys from `before`, then show them newest first like every other page.
    const rows = await db.apiKey.findMany({
      where: { ...where, id: { gt: query.before } },
      orderBy: { id: "asc" },
      take: query.limit + 1,
    });
    const page = rows.slice(0, query.limit).reverse();
    return {
      data: page.map((row) => toPublicKey(row, now)),
      nextCursor: page.at(-1)?.id ?? null,
      prevCursor: rows.length > query.limit ? (page[0]?.id ?? null) : null,
    };
  }

  if (query.cursor) where.id = { lt: query.cursor };
  const rows = await db.apiKey.findMany({ where, orderBy: { id: "desc" }, take: query.limit + 1 });
  const page = rows.slice(0, query.limit);
  return {
    data: page.map((row) => toPublicKey(row, now)),
    nextCursor: rows.length > query.limit ? (page.at(-1)?.id ?? null) : null,
    prevCursor: query.cursor ? (page[0]?.id ?? query.cursor) : null,
  };
}

export async function getKey(db: Db, companyId: string, id: string): Promise<PublicKey> {
  return toPublicKey(await findOwnKey(db, companyId, id));
}
