import { listCompanies } from "@keyward/core";
import type { Metadata } from "next";
import { DataTable } from "@/components/data-table";
import { formatDateTime } from "@/components/format";
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
          label="Companies table"
          testId="companies-table"
          columns={[
            "Name",
            "Status",
            { label: "Active keys", align: "right" },
            { label: "Members", align: "right" },
            "Last activity (UTC)",
            { label: "Actions", srOnly: true },
          ]}
        >
          {companies.map((c) => (
            <tr key={c.id} data-testid="company-row" data-company-id={c.id} data-name={c.name}>
              <td className="px-4 py-3">
                <p className="font-medium text-slate-900">
                  {c.name}
                  {c.id === member.companyId ? (
                    <span className="ml-2 text-xs font-normal text-slate-500">(open now)</span>
                  ) : null}
                </p>
                <p className="font-mono text-xs text-slate-500">{c.id}</p>
              </td>
              <td className="px-4 py-3">
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
              <td className="px-4 py-3 text-right tabular-nums" data-testid="company-active-keys">
                {c.activeKeys}
              </td>
              <td className="px-4 py-3 text-right tabular-nums">{c.members}</td>
              <td className="px-4 py-3 whitespace-nowrap text-slate-600">{formatDateTime(c.lastActivityAt)}</td>
              <td className="px-4 py-3">
                <div className="flex items-center justify-end gap-2">
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
