// The enabled rules every replica's detector keeps in memory.
import type { Db } from "@keyward/db";
import type { AlertKindName } from "./schemas";

/** What the detector needs of an enabled rule, kept in memory by every replica. */
export interface ActiveAlertRule {
  id: string;
  companyId: string;
  kind: AlertKindName;
  threshold: number | null;
  windowSeconds: number | null;
  days: number | null;
  keyId: string | null;
  environment: "live" | "test" | null;
  cooldownSeconds: number;
}

export async function loadEnabledAlertRules(db: Db): Promise<ActiveAlertRule[]> {
  return db.alertRule.findMany({
    where: { enabled: true },
    select: {
      id: true,
      companyId: true,
      kind: true,
      threshold: true,
      windowSeconds: true,
      days: true,
      keyId: true,
      environment: true,
      cooldownSeconds: true,
    },
    orderBy: { id: "asc" },
  });
}
