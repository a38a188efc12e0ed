// An operator suspends, resumes and deletes companies. Each change reaches the enforcement path
// through the key-change log: every key of the company is logged as changed in the same
// transaction, so every replica re-reads them (and finds them refused, or gone) within a poll; the
// caller announces the returned ids for its own replica and, with Redis, the others at once.
import { KeywardError } from "@keyward/auth-core";
import type { Db } from "@keyward/db";
import { type Actor, appendAuditEvent } from "../audit/append";
import { isUuid } from "../ids";
import { logCompanyKeyChanges } from "../keys/changes";

export interface CompanyChange {
  /** The company's keys, changed: announce them to drop them from every cache. */
  keyIds: string[];
  /** False when the company already was in that state (nothing was written). */
  changed: boolean;
}

/** Suspends (refusing its keys and users) or resumes a company; audited in its own log. */
export async function setCompanySuspended(
  db: Db,
  companyId: string,
  suspended: boolean,
  actor: Actor,
): Promise<CompanyChange> {
  if (!isUuid(companyId)) throw new KeywardError("NOT_FOUND", "Company not found");
  return db.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<{ suspended_at: Date | null }[]>`
      SELECT suspended_at FROM companies WHERE id = ${companyId}::uuid FOR UPDATE`;
    if (!rows[0]) throw new KeywardError("NOT_FOUND", "Company not found");
    if ((rows[0].suspended_at !== null) === suspended) return { keyIds: [], changed: false };
    await tx.company.update({ where: { id: companyId }, data: { suspendedAt: suspended ? new Date() : null } });
    await appendAuditEvent(tx, {
      companyId,
      actor,
      action: suspended ? "company.suspended" : "company.resumed",
      targetType: "company",
      targetId: companyId,
    });
    return { keyIds: await logCompanyKeyChanges(tx, companyId), changed: true };
  });
}

/**
 * Deletes a company and everything it holds (keys, members' memberships, audit log, usage, alerts);
 * its users stay, with their other memberships. Callers confirm with the operator first.
 */
export async function deleteCompany(db: Db, companyId: string): Promise<CompanyChange> {
  if (!isUuid(companyId)) throw new KeywardError("NOT_FOUND", "Company not found");
  return db.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<
      { id: string }[]
    >`SELECT id FROM companies WHERE id = ${companyId}::uuid FOR UPDATE`;
    if (!rows[0]) throw new KeywardError("NOT_FOUND", "Company not found");
    const keyIds = await logCompanyKeyChanges(tx, companyId);
    await tx.company.delete({ where: { id: companyId } });
    return { keyIds, changed: true };
  });
}
