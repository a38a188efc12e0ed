// The audit log is append-only and tamper-evident: each event's hash covers its content and the
// hash of the company's previous event, so editing or deleting any row breaks the chain after it.
import { createHash } from "node:crypto";
import type { Db, Prisma } from "@keyward/db";

export type Tx = Prisma.TransactionClient;

/** Where an action came from, and with what authority; not part of the audit event's identity. */
interface ActorContext {
  ip?: string | null;
  userAgent?: string | null;
  /**
   * The scopes the actor acts with, when its authority is a set of scopes (an API key, a token, a
   * user through the API): key changes are held to them (assertMayManageKeys). Absent for callers
   * that authorise by role themselves (the dashboard's owners and admins) and for the system.
   */
  scopes?: readonly string[];
}

/**
 * Who did something: a dashboard user, an API key (named by id and fingerprint, never its secret),
 * the installation's operator (a user acting by operator authority, not membership), an operator
 * key, or the system (host access: the CLI, jobs).
 */
export type Actor =
  | ({ type: "user"; id: string } & ActorContext)
  | ({ type: "key"; id: string; fingerprint: string } & ActorContext)
  | ({ type: "operator"; id: string } & ActorContext)
  | ({ type: "operator_key"; id: string; fingerprint: string } & ActorContext)
  | ({ type: "system" } & ActorContext);

export interface AuditInput {
  companyId: string;
  actor: Actor;
  action: string;
  targetType?: string;
  targetId?: string;
  keyId?: string;
  fingerprint?: string;
  reason?: string;
  metadata?: Record<string, unknown>;
}

/** JSON with object keys sorted at every depth: JSONB does not keep key order, the hash must not care. */
function canonical(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
}

export function auditHash(prevHash: string | null, fields: Record<string, unknown>): string {
  return createHash("sha256")
    .update(`${prevHash ?? ""}\n${canonical(fields)}`)
    .digest("hex");
}

/** Appends one event inside `tx`. */
export async function appendAuditEvent(tx: Tx, input: AuditInput): Promise<void> {
  await appendAuditEvents(tx, input.companyId, [input]);
}

/**
 * Appends events of one company inside `tx`, in order, with one lock and one insert. The company
 * row lock serialises writers of a chain; NO KEY UPDATE, because inserting any row that references
 * the company takes KEY SHARE on it, and FOR UPDATE would deadlock with such a transaction.
 */
export async function appendAuditEvents(tx: Tx, companyId: string, inputs: readonly AuditInput[]): Promise<void> {
  if (inputs.length === 0) return;
  await tx.$queryRaw`SELECT id FROM companies WHERE id = ${companyId}::uuid FOR NO KEY UPDATE`;
  const last = await tx.auditEvent.findFirst({
    where: { companyId },
    orderBy: { seq: "desc" },
    select: { seq: true, hash: true },
  });
  let seq = last?.seq ?? 0;
  let prevHash = last?.hash ?? null;
  const rows: Prisma.AuditEventCreateManyInput[] = [];
  for (const input of inputs) {
    if (input.companyId !== companyId) throw new Error("appendAuditEvents: events of one company only");
    const createdAt = new Date();
    const fields = {
      companyId,
      seq: ++seq,
      actorType: input.actor.type,
      actorId: input.actor.type === "system" ? null : input.actor.id,
      action: input.action,
      targetType: input.targetType ?? null,
      targetId: input.targetId ?? null,
      keyId: input.keyId ?? null,
      fingerprint: input.fingerprint ?? ("fingerprint" in input.actor ? input.actor.fingerprint : null),
      ip: input.actor.ip ?? null,
      userAgent: input.actor.userAgent ?? null,
      reason: input.reason ?? null,
      metadata: (input.metadata ?? null) as Prisma.InputJsonValue | null,
      createdAt: createdAt.toISOString(),
    };
    const hash = auditHash(prevHash, fields);
    rows.push({ ...fields, metadata: fields.metadata ?? undefined, createdAt, prevHash, hash });
    prevHash = hash;
  }
  await tx.auditEvent.createMany({ data: rows });
}

/** Recomputes the chain of one company; returns the seq of the first broken event, or null. */
export async function verifyAuditChain(db: Db, companyId: string): Promise<number | null> {
  const events = await db.auditEvent.findMany({ where: { companyId }, orderBy: { seq: "asc" } });
  let prevHash: string | null = null;
  let expectedSeq = 1;
  for (const e of events) {
    const fields = {
      companyId: e.companyId,
      seq: e.seq,
      actorType: e.actorType,
      actorId: e.actorId,
      action: e.action,
      targetType: e.targetType,
      targetId: e.targetId,
      keyId: e.keyId,
      fingerprint: e.fingerprint,
      ip: e.ip,
      userAgent: e.userAgent,
      reason: e.reason,
      metadata: e.metadata ?? null,
      createdAt: e.createdAt.toISOString(),
    };
    if (e.seq !== expectedSeq || e.prevHash !== prevHash || e.hash !== auditHash(prevHash, fields)) return e.seq;
    prevHash = e.hash;
    expectedSeq++;
  }
  return null;
}
