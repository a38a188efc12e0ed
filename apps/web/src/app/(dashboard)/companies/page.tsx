import { listCompanies } from "@keyward/core";
import type { Metadata } from "next";
import { CellLabel, DataTable, tableCell, tableRow, tableWideCell } from "@/components/data-table";
import { LocalTime } from "@/components/local-time";
import { card } from "@/components/styles";
import { getDb } from "@/server/db";
import { requireOperator } from "@/server/session";
import { CreateCompanyForm, DeleteCompanyButton, OpenCompanyButton, SuspendCompanyButton } from "./company-forms";

export const metadata: Metadata = { title: "Companies" };

/** Every company of this installation, for its operators (anyone else gets the 404 page). */
export default async function CompaniesPage() {
  const member = await requireOperator();
  const companies = await listCompanies(await getDb());

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Companies</h1>
        <p className="mt-1 text-sm text-slate-500">
          Every company this Keyward holds. As an operator you can open any of them with owner rights; what you do there
          is audited in its log as the operator. The company you are in cannot be suspended or deleted from inside:
          switch to another one first.
        </p>
      </div>

      <section aria-labelledby="create-company-heading" className={`${card} p-5`}>
        <h2 id="create-company-heading" className="mb-3 text-base font-semibold text-slate-900">
          Create a company
        </h2>
        <CreateCompanyForm />
      </section>

      <section aria-labelledby="companies-heading" className={`${card} overflow-hidden`}>
        <h2
          id="companies-heading"
          className="border-b border-slate-200 px-5 py-3 text-base font-semibold text-slate-900"
        >
          {companies.length} {companies.length === 1 ? "company" : "companies"}
        </h2>
        <DataTable
          testId="companies-table"
          columns={[
            "Name",
            "Status",
            { label: "Active keys", align: "right" },
            { label: "Members", align: "right" },
            "Last activity",
            { label: "Actions", srOnly: true },
          ]}
        >
          {companies.map((c) => (
            <tr key={c.id} data-testid="company-row" data-company-id={c.id} data-name={c.name} className={tableRow}>
              <td className={tableWideCell}>
                <p className="font-medium text-slate-900">
                  {c.name}
                  {c.id === member.companyId ? (
                    <span className="ml-2 text-xs font-normal text-slate-500">(open now)</span>
                  ) : null}
                </p>
                <p className="font-mono text-xs break-all text-slate-500">{c.id}</p>
              </td>
              <td className={tableCell}>
                <CellLabel>Status</CellLabel>
                <span
                  data-testid="company-status"
                  className={`inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${
                    c.status === "active"
                      ? "bg-emerald-50 text-emerald-700 ring-emerald-600/20"
                      : "bg-red-50 text-red-700 ring-red-600/20"
                  }`}
                >
                  <span aria-hidden="true" className="size-1.5 rounded-full bg-current" />
                  {c.status === "active" ? "Active" : "Suspended"}
                </span>
              </td>
              <td className={`${tableCell} tabular-nums md:text-right`}>
                <CellLabel>Active keys</CellLabel>
                <span data-testid="company-active-keys">{c.activeKeys}</span>
              </td>
              <td className={`${tableCell} tabular-nums md:text-right`}>
                <CellLabel>Members</CellLabel>
                {c.members}
              </td>
              <td className={`${tableCell} whitespace-nowrap text-slate-600`}>
                <CellLabel>Last activity</CellLabel>
                {c.lastActivityAt ? <LocalTime iso={c.lastActivityAt} /> : "—"}
              </td>
              <td className={tableWideCell}>
                <div className="flex flex-wrap items-center gap-2 md:justify-end">
                  {c.status === "active" && c.id !== member.companyId ? (
                    <OpenCompanyButton companyId={c.id} name={c.name} />
                  ) : null}
                  <SuspendCompanyButton
                    companyId={c.id}
                    name={c.name}
                    suspended={c.status === "suspended"}
                    current={c.id === member.companyId}
                  />
                  {c.id === member.companyId ? null : <DeleteCompanyButton companyId={c.id} name={c.name} />}
                </div>
              </td>
            </tr>
          ))}
        </DataTable>
      </section>
    </div>
  );
}
