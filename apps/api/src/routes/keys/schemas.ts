import { z } from "zod";

export const publicKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  start: z.string(),
  fingerprint: z.string(),
  environment: z.enum(["live", "test"]),
  scopes: z.array(z.string()),
  status: z.enum(["active", "expiring", "expired", "revoked"]),
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
