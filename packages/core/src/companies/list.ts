// Companies as the operator sees them (`keyward companies list`, GET /v1/companies, the dashboard's
// Companies page), and finding one by id or name for the commands that take either.
import { KeywardError } from "@keyward/auth-core";
import type { Db } from "@keyward/db";
import { z } from "zod";
import { isUuid } from "../ids";

export const publicCompanySchema = z.object({
  id: z.string(),
  name: z.string(),
  keyPrefix: z.string(),
  status: z.enum(["active", "suspended"]),
  suspendedAt: z.string().nullable(),
  createdAt: z.string(),
  /** Keys neither revoked nor expired. */
  activeKeys: z.number().int(),
  members: z.number().int(),
  /** The last time one of its keys was used (minute precision, from usage), or null. */
  lastActivityAt: z.string().nullable(),
});

export type PublicCompany = z.output<typeof publicCompanySchema>;

interface CompanyRow {
  id: string;
  name: string;
  key_prefix: string;
  suspended_at: Date | null;
  created_at: Date;
  active_keys: number;
  members: number;
  last_activity_at: Date | null;
}

const COMPANY_ROWS = `SELECT c.id, c.name, c.key_prefix, c.suspended_at, c.created_at,
  (SELECT count(*)::int FROM api_keys k WHERE k.company_id = c.id AND k.revoked_at IS NULL
     AND (k.expires_at IS NULL OR k.expires_at > now())) AS active_keys,
  (SELECT count(*)::int FROM memberships m WHERE m.company_id = c.id) AS members,
  (SELECT max(k.last_used_at) FROM api_keys k WHERE k.company_id = c.id) AS last_activity_at
  FROM companies c`;

function toPublicCompany(row: CompanyRow): PublicCompany {
  return {
    id: row.id,
    name: row.name,
    keyPrefix: row.key_prefix,
    status: row.suspended_at === null ? "active" : "suspended",
    suspendedAt: row.suspended_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
    activeKeys: row.active_keys,
    members: row.members,
    lastActivityAt: row.last_activity_at?.toISOString() ?? null,
  };
}

/** Every company, oldest first. */
export async function listCompanies(db: Db): Promise<PublicCompany[]> {
  const rows = await db.$queryRawUnsafe<CompanyRow[]>(`${COMPANY_ROWS} ORDER BY c.created_at, c.id`);
  return rows.map(toPublicCompany);
}

export async function getCompany(db: Db, id: string): Promise<PublicCompany> {
  if (!isUuid(id)) throw new KeywardError("NOT_FOUND", "Company not found");
  const rows = await db.$queryRawUnsafe<CompanyRow[]>(`${COMPANY_ROWS} WHERE c.id = $1::uuid`, id);
  if (!rows[0]) throw new KeywardError("NOT_FOUND", "Company not found");
  return toPublicCompany(rows[0]);
}

/**
 * The company with this id, else the one with this name. Names need not be unique: a name that
 * several companies have is refused with their ids, so a command never picks one by chance.
 */
export async function findCompanyByIdOrName(db: Db, idOrName: string): Promise<{ id: string; name: string }> {
  if (isUuid(idOrName)) {
    const byId = await db.company.findUnique({ where: { id: idOrName }, select: { id: true, name: true } });
    if (byId) return byId;
  }
  const byName = await db.company.findMany({ where: { name: idOrName }, select: { id: true, name: true }, take: 10 });
  if (byName.length === 1) return byName[0] as { id: string; name: string };
  if (byName.length === 0) throw new KeywardError("NOT_FOUND", `No company "${idOrName}" (give its id or its name)`);
  throw new KeywardError(
    "CONFLICT",
    `Several companies are named "${idOrName}": give the id of one (${byName.map((c) => c.id).join(", ")})`,
  );
}
