// Companies, members and keys for the figures. Keys are made by auth-core's generateKey (real format,
// real checksum, SHA-256 at rest) and inserted in bulk: 100,000 createKey calls, each with its audit
// event, would take longer than the whole suite.
import { randomBytes } from "node:crypto";
import { type Environment, generateKey, hashPassword, SCOPE_PRESETS } from "@keyward/auth-core";
import { createKey } from "@keyward/core";
import type { Db } from "@keyward/db";

export interface SeededKey {
  id: string;
  secret: string;
  hash: string;
}

/** What may differ from key to key (for a realistic keys page). */
export interface KeyRow {
  name?: string;
  environment?: Environment;
  scopes?: string[];
  expiresAt?: Date | null;
  revokedAt?: Date | null;
  lastUsedAt?: Date | null;
  lastUsedIp?: string | null;
}

export interface KeySettings {
  scopes: string[];
  environment?: Environment;
  rateLimit?: { limit: number; windowSeconds: number };
  ipAllowlist?: string[];
  row?: (index: number) => KeyRow;
}

const CHUNK = 5000;

/** UUIDv7 for `ms`: ids sort by creation time, as the ids Prisma generates for the app do. */
function uuidv7(ms: number): string {
  const b = randomBytes(16);
  b.writeUIntBE(ms, 0, 6);
  b[6] = ((b[6] as number) & 0x0f) | 0x70;
  b[8] = ((b[8] as number) & 0x3f) | 0x80;
  const h = b.toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export async function createCompany(db: Db, name: string): Promise<string> {
  const company = await db.company.create({ data: { name } });
  return company.id;
}

/** An owner who can log in to the dashboard. */
export async function createOwner(db: Db, companyId: string, email: string, password: string): Promise<string> {
  const user = await db.user.create({ data: { email, passwordHash: await hashPassword(password) } });
  await db.membership.create({ data: { companyId, userId: user.id, role: "owner" } });
  return user.id;
}

/** A key made the way the API makes one (with its audit event), for management calls: admin unless scopes are given. */
export async function createAdminKey(
  db: Db,
  companyId: string,
  scopes: string[] = [...SCOPE_PRESETS.admin],
): Promise<{ id: string; secret: string }> {
  const { key, secret } = await createKey(
    db,
    companyId,
    { name: "bench admin", scopes, environment: "live" },
    { type: "system" },
  );
  return { id: key.id, secret };
}

export async function seedKeys(
  db: Db,
  companyId: string,
  count: number,
  settings: KeySettings,
  onProgress?: (done: number) => void,
): Promise<SeededKey[]> {
  const seeded: SeededKey[] = [];
  // One millisecond apart, ending now: newest first is insertion order reversed, as in real use.
  const firstMs = Date.now() - count;
  for (let from = 0; from < count; from += CHUNK) {
    const rows: (Required<KeyRow> & { id: string; hash: string; start: string })[] = [];
    for (let i = from; i < Math.min(count, from + CHUNK); i++) {
      const row = settings.row?.(i) ?? {};
      const environment = row.environment ?? settings.environment ?? "live";
      const key = generateKey({ prefix: "kw", environment });
      const id = uuidv7(firstMs + i);
      seeded.push({ id, secret: key.key, hash: key.hash });
      rows.push({
        id,
        hash: key.hash,
        start: key.start,
        name: row.name ?? `bench key ${i}`,
        environment,
        scopes: row.scopes ?? settings.scopes,
        expiresAt: row.expiresAt ?? null,
        revokedAt: row.revokedAt ?? null,
        lastUsedAt: row.lastUsedAt ?? null,
        lastUsedIp: row.lastUsedIp ?? null,
      });
    }
    // One statement per chunk (arrays unnested server-side): Prisma's createMany costs ~1 ms a row here.
    // Scopes and allowlists travel comma-joined: unnest would flatten an array of arrays.
    const column = <T>(f: (r: (typeof rows)[number]) => T) => rows.map(f);
    const limit = settings.rateLimit?.limit ?? null;
    const windowSeconds = settings.rateLimit?.windowSeconds ?? null;
    const ips = (settings.ipAllowlist ?? []).join(",");
    await db.$executeRaw`
      INSERT INTO api_keys (id, company_id, name, hash, start, environment, scopes, ip_allowlist,
                            rate_limit, rate_limit_window_seconds, expires_at, revoked_at,
                            last_used_at, last_used_ip, updated_at)
      SELECT t.id, ${companyId}::uuid, t.name, t.hash, t.start, t.environment::"Environment",
             string_to_array(t.scopes, ','), string_to_array(${ips}, ','),
             ${limit}::int, ${windowSeconds}::int, t.expires_at, t.revoked_at, t.last_used_at, t.last_used_ip, now()
      FROM unnest(${column((r) => r.id)}::uuid[], ${column((r) => r.name)}::text[], ${column((r) => r.hash)}::text[],
                  ${column((r) => r.start)}::text[], ${column((r) => r.environment)}::text[],
                  ${column((r) => r.scopes.join(","))}::text[], ${column((r) => r.expiresAt)}::timestamptz[],
                  ${column((r) => r.revokedAt)}::timestamptz[], ${column((r) => r.lastUsedAt)}::timestamptz[],
                  ${column((r) => r.lastUsedIp)}::text[])
        AS t(id, name, hash, start, environment, scopes, expires_at, revoked_at, last_used_at, last_used_ip)`;
    onProgress?.(seeded.length);
  }
  return seeded;
}

/** Allowed requests of one key as the usage buffer wrote them. */
export async function allowedCount(db: Db, keyIds: string[]): Promise<number> {
  let total = 0;
  for (let from = 0; from < keyIds.length; from += 10_000) {
    const sum = await db.usageBucket.aggregate({
      where: { keyId: { in: keyIds.slice(from, from + 10_000) }, outcome: "allowed" },
      _sum: { count: true },
    });
    total += sum._sum.count ?? 0;
  }
  return total;
}
