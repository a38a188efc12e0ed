import type { Db } from "@keyward/db";
import { type Actor, appendAuditEvent } from "../audit/append";

/** The company settings that are one column each, changed the same way. */
type CompanyField = "name" | "keyPrefix" | "guardTokenTtlSeconds";
type FieldValue<F extends CompanyField> = F extends "guardTokenTtlSeconds" ? number : string;

/**
 * Sets one company column and records `action` with `{from, to}` in the same transaction; setting
 * the value it already has changes nothing and records nothing.
 */
export async function changeCompanyField<F extends CompanyField>(
  db: Db,
  companyId: string,
  field: F,
  value: FieldValue<F>,
  action: string,
  actor: Actor,
): Promise<FieldValue<F>> {
  return db.$transaction(async (tx) => {
    const before = (await tx.company.findUniqueOrThrow({
      where: { id: companyId },
      select: { [field]: true },
    })) as unknown as Record<F, FieldValue<F>>;
    const from = before[field];
    if (from === value) return value;
    await tx.company.update({ where: { id: companyId }, data: { [field]: value } });
    await appendAuditEvent(tx, {
      companyId,
      actor,
      action,
      targetType: "company",
      targetId: companyId,
      metadata: { from, to: value },
    });
    return value;
  });
}
