import { listOperatorKeys, OPERATOR_SCOPES } from "@keyward/core";
import type { Metadata } from "next";
import { CellLabel, DataTable, tableCell, tableRow, tableWideCell } from "@/components/data-table";
import { LocalTime } from "@/components/local-time";
import { ScopeChips } from "@/components/scope-chips";
import { StatusBadge } from "@/components/status-badge";
import { card } from "@/components/styles";
import { getDb } from "@/server/db";
import { requireOperator } from "@/server/session";
import { CreateOperatorKeyForm, RevokeOperatorKeyButton } from "./operator-key-forms";

export const metadata: Metadata = { title: "Operator keys" };

/** The installation's operator keys, for its operators (anyone else gets the 404 page). */
export default async function OperatorKeysPage() {
  await requireOperator();
  const keys = await listOperatorKeys(await getDb());

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Operator keys</h1>
        <p className="mt-1 text-sm text-slate-500">
          Keys for your own services, belonging to no company: they verify keys of every company (
          <code className="font-mono text-xs">keys:verify</code>) and manage companies (
          <code className="font-mono text-xs">companies:read</code>,{" "}
          <code className="font-mono text-xs">companies:write</code>), and never read a company&apos;s data. The same
          keys as <code className="font-mono text-xs">keyward operator-keys</code>.
        </p>
      </div>

      <section aria-labelledby="create-operator-key-heading" className={`${card} p-5`}>
        <h2 id="create-operator-key-heading" className="mb-3 text-base font-semibold text-slate-900">
          Create an operator key
        </h2>
        <CreateOperatorKeyForm scopes={[...OPERATOR_SCOPES]} />
      </section>

      <section aria-labelledby="operator-keys-heading" className={`${card} overflow-hidden`}>
        <h2
          id="operator-keys-heading"
          className="border-b border-slate-200 px-5 py-3 text-base font-semibold text-slate-900"
        >
          {keys.length} operator {keys.length === 1 ? "key" : "keys"}
        </h2>
        {keys.length === 0 ? (
          <p className="px-5 py-8 text-center text-sm text-slate-500" data-testid="operator-keys-empty">
            No operator keys yet.
          </p>
        ) : (
          <DataTable
            testId="operator-keys-table"
            columns={["Name", "Key", "Scopes", "Status", "Created", { label: "Actions", srOnly: true }]}
          >
            {keys.map((k) => (
              <tr key={k.id} data-testid="operator-key-row" data-key-id={k.id} data-name={k.name} className={tableRow}>
                <td className={tableWideCell}>
                  <p className="font-medium text-slate-900">{k.name}</p>
                  <p className="font-mono text-xs break-all text-slate-500">{k.id}</p>
                </td>
                <td className={`${tableCell} font-mono text-xs whitespace-nowrap text-slate-700`}>
                  <CellLabel>Key</CellLabel>
                  {k.start}…
                </td>
                <td className={tableCell}>
                  <CellLabel>Scopes</CellLabel>
                  <ScopeChips scopes={k.scopes} testId="operator-key-scopes" />
                </td>
                <td className={tableCell} title={k.revokedAt ? `Revoked ${k.revokedAt}` : undefined}>
                  <CellLabel>Status</CellLabel>
                  <StatusBadge status={k.status} />
                </td>
                <td className={`${tableCell} whitespace-nowrap text-slate-600`}>
                  <CellLabel>Created</CellLabel>
                  <LocalTime iso={k.createdAt} dateOnly />
                </td>
                <td className={`${tableWideCell} md:text-right`}>
                  {k.status === "active" ? <RevokeOperatorKeyButton keyId={k.id} name={k.name} /> : null}
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>
    </div>
  );
}
