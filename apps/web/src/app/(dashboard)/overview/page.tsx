// The company at a glance: requests allowed and refused (by cause) over the last day, the busiest
// keys, the keys that stop working within a week, and the latest refusals from the audit log.
import {
  auditEventsQuerySchema,
  busiestKeys,
  keysEndingSoon,
  listAuditEvents,
  queryUsage,
  usageQuerySchema,
} from "@keyward/core";
import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { AuditTable } from "@/components/audit-table";
import { CellLabel, DataTable, tableCell, tableRow, tableWideCell } from "@/components/data-table";
import { formatRelative } from "@/components/format";
import { LocalTime } from "@/components/local-time";
import { card } from "@/components/styles";
import { UsageChart } from "@/components/usage-chart";
import { getDb } from "@/server/db";
import { namesFor } from "@/server/names";
import { requireMember } from "@/server/session";

export const metadata: Metadata = { title: "Overview" };

const DAY_MS = 86_400_000;

function Panel({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section aria-labelledby={id} className={`${card} overflow-hidden`}>
      <h2 id={id} className="border-b border-slate-200 px-5 py-3 text-base font-semibold text-slate-900">
        {title}
      </h2>
      {children}
    </section>
  );
}

const Empty = ({ children, testId }: { children: ReactNode; testId: string }) => (
  <p className="px-5 py-8 text-center text-sm text-slate-500" data-testid={testId}>
    {children}
  </p>
);

export default async function OverviewPage() {
  const member = await requireMember();
  const db = await getDb();
  const now = new Date();
  const [usage, busiest, ending, refusals] = await Promise.all([
    queryUsage(db, member.companyId, usageQuerySchema.parse({ granularity: "hour" })),
    busiestKeys(db, member.companyId, new Date(now.getTime() - DAY_MS)),
    keysEndingSoon(db, member.companyId, now),
    listAuditEvents(db, member.companyId, auditEventsQuerySchema.parse({ action: "request.refused", limit: 10 })),
  ]);
  const names = await namesFor(db, member.companyId, refusals.data);
  const totals = usage.data.reduce((t, p) => ({ allowed: t.allowed + p.allowed, denied: t.denied + p.denied }), {
    allowed: 0,
    denied: 0,
  });

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Overview</h1>
        <p className="mt-1 text-sm text-slate-500">Your company's keys over the last 24 hours.</p>
      </div>

      <Panel id="traffic-heading" title="Requests">
        <div className="p-5">
          <p className="mb-3 text-sm text-slate-600" data-testid="overview-totals">
            {totals.allowed} allowed · {totals.denied} refused
          </p>
          {totals.allowed + totals.denied === 0 ? (
            <Empty testId="overview-no-traffic">No requests in the last 24 hours.</Empty>
          ) : (
            <UsageChart points={usage.data} granularity="hour" />
          )}
        </div>
      </Panel>

      <div className="grid gap-6 lg:grid-cols-2">
        <Panel id="busiest-heading" title="Busiest keys">
          {busiest.length === 0 ? (
            <Empty testId="busiest-empty">No key was used in the last 24 hours.</Empty>
          ) : (
            <DataTable
              testId="busiest-keys"
              columns={["Key", { label: "Allowed", align: "right" }, { label: "Refused", align: "right" }]}
            >
              {busiest.map((k) => (
                <tr key={k.keyId} className={tableRow} data-testid="busiest-key">
                  <td className={tableWideCell}>
                    <Link href={`/keys/${k.keyId}`} className="font-medium text-indigo-700 hover:underline">
                      {k.name}
                    </Link>
                    <span className="ml-2 font-mono text-xs text-slate-500">{k.fingerprint}</span>
                  </td>
                  <td className={`${tableCell} tabular-nums md:text-right`}>
                    <CellLabel>Allowed</CellLabel>
                    <span data-testid="busiest-allowed">{k.allowed}</span>
                  </td>
                  <td className={`${tableCell} tabular-nums md:text-right`}>
                    <CellLabel>Refused</CellLabel>
                    <span data-testid="busiest-denied">{k.denied}</span>
                  </td>
                </tr>
              ))}
            </DataTable>
          )}
        </Panel>

        <Panel id="ending-heading" title="Keys that stop within 7 days">
          {ending.length === 0 ? (
            <Empty testId="ending-empty">No key expires in the next 7 days.</Empty>
          ) : (
            <ul className="divide-y divide-slate-100 text-sm">
              {ending.map((k) => {
                const end = k.graceEndsAt ?? k.expiresAt ?? "";
                return (
                  <li
                    key={k.id}
                    className="flex flex-wrap items-baseline justify-between gap-2 px-5 py-3"
                    data-testid="ending-key"
                  >
                    <Link href={`/keys/${k.id}`} className="font-medium text-indigo-700 hover:underline">
                      {k.name}
                    </Link>
                    <span className="text-slate-600">
                      {k.graceEndsAt ? "rotated, old secret ends " : "expires "}
                      {formatRelative(end, now.getTime())} · <LocalTime iso={end} />
                    </span>
                  </li>
                );
              })}
            </ul>
          )}
        </Panel>
      </div>

      <Panel id="refusals-heading" title="Recent refusals">
        {refusals.data.length === 0 ? (
          <Empty testId="refusals-empty">No request was refused.</Empty>
        ) : (
          <div className="p-3">
            <AuditTable events={refusals.data} names={names} />
          </div>
        )}
      </Panel>
    </div>
  );
}
