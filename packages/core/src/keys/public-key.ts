// A key as the API and the dashboard show it.
import { deriveKeyStatus, fingerprintOf } from "@keyward/auth-core";
import type { ApiKey } from "@keyward/db";
import { z } from "zod";
import { isoOrNull } from "../public-time";
import { rateLimitOf } from "./rows";
import { environmentSchema, keyStatusSchema } from "./schemas";

/**
 * A key as the API and the dashboard show it: everything but its secret (which is never stored).
 * The one declaration of this shape: the type below is inferred from it, and the API validates its
 * answers and writes its OpenAPI document with it.
 */
export const publicKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  start: z.string(),
  fingerprint: z.string(),
  environment: environmentSchema,
  scopes: z.array(z.string()),
  status: keyStatusSchema,
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  revokedReason: z.string().nullable(),
  rotatedFromId: z.string().nullable(),
  graceEndsAt: z.string().nullable(),
  ipAllowlist: z.array(z.string()),
  rateLimit: z.object({ limit: z.number(), windowSeconds: z.number() }).nullable(),
  metadata: z.unknown(),
  imported: z.boolean(),
  lastUsedAt: z.string().nullable(),
  lastUsedIp: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export type PublicKey = z.output<typeof publicKeySchema>;

export function toPublicKey(row: ApiKey, now = new Date()): PublicKey {
  return {
    id: row.id,
    name: row.name,
    start: row.start,
    fingerprint: fingerprintOf(row.hash),
    environment: row.environment,
    scopes: row.scopes,
    status: deriveKeyStatus(row, now),
    expiresAt: isoOrNull(row.expiresAt),
    revokedAt: isoOrNull(row.revokedAt),
    revokedReason: row.revokedReason,
    rotatedFromId: row.rotatedFromId,
    graceEndsAt: isoOrNull(row.graceEndsAt),
    ipAllowlist: row.ipAllowlist,
    rateLimit: rateLimitOf(row),
    metadata: row.metadata ?? null,
    imported: row.imported,
    lastUsedAt: isoOrNull(row.lastUsedAt),
    lastUsedIp: row.lastUsedIp,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
