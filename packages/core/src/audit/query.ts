// Reading the audit log (docs/api.md#endpoints `GET /v1/audit-events` and its CSV export). Events are ordered
// by `seq`, the company's chain position: unlike ids made in the same millisecond, it is strictly
// increasing, so newest-first pages neither skip nor repeat an event. The CSV export walks the
// same order in fixed-size pages, so exporting a million events never holds more than one page.
import { KeywardError } from "@keyward/auth-core";
import type { Db, Prisma } from "@keyward/db";
import { z } from "zod";
import { text, timestamp } from "../bounded-input";
import { type PublicAuditEvent, toPublicAuditEvent } from "./public-event";

const auditFilterShape = {
  actor: text(200).trim().min(1).optional().describe("Actor id: a user's or a key's id"),
  action: text(100).trim().min(1).optional().describe("Exact action, e.g. key.created"),
  keyId: z.uuid().optional(),
  from: timestamp().optional().describe("Inclusive"),
  to: timestamp().optional().describe("Exclusive"),
};

const fromBeforeTo = (q: { from?: Date; to?: Date }) => !q.from || !q.to || q.from < q.to;
const fromBeforeToIssue = { message: "from must be before to", path: ["from"] };

export const auditEventsQuerySchema = z
  .strictObject({
    ...auditFilterShape,
    limit: z.coerce.number().int().min(1).max(100).default(50),
    cursor: z.uuid().optional().describe("nextCursor of the previous page"),
  })
  .refine(fromBeforeTo, fromBeforeToIssue);

export const auditExportQuerySchema = z.strictObject(auditFilterShape).refine(fromBeforeTo, fromBeforeToIssue);

export type AuditEventsQuery = z.output<typeof auditEventsQuerySchema>;
export type AuditFilters = z.output<typeof auditExportQuerySchema>;

function filterWhere(companyId: string, filters: AuditFilters): Prisma.AuditEventWhereInput {
  const where: Prisma.AuditEventWhereInput = { companyId };
  if (filters.actor !== undefined) where.actorId = filters.actor;
  if (filters.action !== undefined) where.action = filters.action;
  if (filters.keyId !== undefined) where.keyId = filters.keyId;
  if (filters.from !== undefined || filters.to !== undefined) where.createdAt = { gte: filters.from, lt: filters.to };
  return where;
}

/**
 * One page of a company's audit events, newest first. The cursor is the id of the last event of
 * the previous page; an id that is not one of this company's events is a validation error.
 */
export async function listAuditEvents(
  db: Db,
  companyId: string,
  query: AuditEventsQuery,
): Promise<{ data: PublicAuditEvent[]; nextCursor: string | null }> {
  const where = filterWhere(companyId, query);
  if (query.cursor !== undefined) {
    const after = await db.auditEvent.findFirst({ where: { id: query.cursor, companyId }, select: { seq: true } });
    if (!after) {
      throw new KeywardError("VALIDATION_FAILED", "Invalid request querystring", {
        issues: [{ path: ["cursor"], message: "Unknown cursor", location: "querystring" }],
      });
    }
    where.seq = { lt: after.seq };
  }
  const rows = await db.auditEvent.findMany({ where, orderBy: { seq: "desc" }, take: query.limit + 1 });
  const page = rows.slice(0, query.limit);
  return {
    data: page.map(toPublicAuditEvent),
    nextCursor: rows.length > query.limit ? (page.at(-1)?.id ?? null) : null,
  };
}

export const AUDIT_EXPORT_PAGE_SIZE = 500;

/**
 * Every matching event, newest first, one page of `pageSize` per query. Pages are read only as
 * the consumer asks for them, so a slow download holds one page in memory, not the whole log.
 */
export async function* auditEventPages(
  db: Pick<Db, "auditEvent">,
  companyId: string,
  filters: AuditFilters,
  pageSize = AUDIT_EXPORT_PAGE_SIZE,
): AsyncGenerator<PublicAuditEvent[]> {
  const where = filterWhere(companyId, filters);
  for (;;) {
    const rows = await db.auditEvent.findMany({ where, orderBy: { seq: "desc" }, take: pageSize });
    if (rows.length > 0) yield rows.map(toPublicAuditEvent);
    const last = rows.at(-1);
    if (rows.length < pageSize || !last) return;
    where.seq = { lt: last.seq };
  }
}
