// A key as the API and the dashboard show it.
import { deriveKeyStatus, type Environment, fingerprintOf } from "@keyward/auth-core";
import type { ApiKey } from "@keyward/db";
import { isoOrNull } from "../public-time";
import { rateLimitOf } from "./rows";

/** A key as the API and the dashboard show it: everything but its secret (which is never stored). */
export interface PublicKey {
  id: string;
  name: string;
  start: string;
  fingerprint: string;
  environment: Environment;
  scopes: string[];
  status: "active" | "expiring" | "expired" | "revoked";
  expiresAt: string | null;
  revokedAt: string | null;
  revokedReason: string | null;
  rotatedFromId: string | null;
  graceEndsAt: string | null;
  ipAllowlist: string[];
  rateLimit: { limit: number; windowSeconds: number } | null;
  metadata: unknown;
  imported: boolean;
  lastUsedAt: string | null;
  lastUsedIp: string | null;
  createdAt: string;
  updatedAt: string;
}

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
