import type { PublicAuditEvent } from "@keyward/core";
import type { Db } from "@keyward/db";

/** Display names for the actors and keys that audit events mention: members' emails and keys' names. */
export async function namesFor(db: Db, companyId: string, events: PublicAuditEvent[]): Promise<Map<string, string>> {
  const userIds = new Set<string>();
  const keyIds = new Set<string>();
  for (const e of events) {
    // An operator actor is a user acting by operator authority: named by their email too.
    if ((e.actorType === "user" || e.actorType === "operator") && e.actorId) userIds.add(e.actorId);
    if (e.actorType === "key" && e.actorId) keyIds.add(e.actorId);
    if (e.keyId) keyIds.add(e.keyId);
  }
  const [users, keys] = await Promise.all([
    // Users by id, not by membership: a removed member's past actions still show their email.
    db.user.findMany({ where: { id: { in: [...userIds] } }, select: { id: true, email: true } }),
    db.apiKey.findMany({ where: { companyId, id: { in: [...keyIds] } }, select: { id: true, name: true } }),
  ]);
  const names = new Map<string, string>();
  for (const u of users) names.set(u.id, u.email);
  for (const k of keys) names.set(k.id, k.name);
  return names;
}
