// An audit event as the API and the dashboard show it; the hashes let anyone re-check the chain.
import type { AuditEvent } from "@keyward/db";
import { z } from "zod";

/** The one declaration of an event as shown: the type is inferred from it, the API documents its answers with it. */
export const publicAuditEventSchema = z.object({
  id: z.string(),
  seq: z.number().describe("Position in the company's hash chain"),
  createdAt: z.string(),
  actorType: z.string(),
  actorId: z.string().nullable(),
  action: z.string(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  keyId: z.string().nullable(),
  fingerprint: z.string().nullable(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  reason: z.string().nullable(),
  metadata: z.unknown(),
  prevHash: z.string().nullable(),
  hash: z.string(),
});

export type PublicAuditEvent = z.output<typeof publicAuditEventSchema>;

export function toPublicAuditEvent(row: AuditEvent): PublicAuditEvent {
  return {
    id: row.id,
    seq: row.seq,
    createdAt: row.createdAt.toISOString(),
    actorType: row.actorType,
    actorId: row.actorId,
    action: row.action,
    targetType: row.targetType,
    targetId: row.targetId,
    keyId: row.keyId,
    fingerprint: row.fingerprint,
    ip: row.ip,
    userAgent: row.userAgent,
    reason: row.reason,
    metadata: row.metadata ?? null,
    prevHash: row.prevHash,
    hash: row.hash,
  };
}
