import { auditEventsQuerySchema, listAuditEvents } from "@keyward/core";
import type { Db } from "@keyward/db";
import type { Metadata } from "next";
import Link from "next/link";
import { z } from "zod";
import { AuditTable } from "@/components/audit-table";
import { Field } from "@/components/field";
import { buttonSecondary, card, input, inputBase } from "@/components/styles";
import { auditQueryString, readAuditFilters } from "@/server/audit-filters";
import { getDb } from "@/server/db";
import { namesFor } from "@/server/names";
import { requireMember } from "@/server/session";

export const metadata: Metadata = { title: "Audit log" };

const PAGE_SIZE = 50;

export default async function AuditPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const member = await requireMember();
  const params = await searchParams;
  const db = await getDb();
  const { form, filters, keyMatches, problems } = await readAuditFilters(db, member.companyId, params);
  const cursor = z.uuid().safeParse(Array.isArray(params.cursor) ? params.cursor[0] : params.cursor).data;

  const [members, actingKeys, actions] = await Promise.all([
    db.membership.findMany({
      where: { companyId: member.companyId },
      select: { userId: true, user: { select: { email: true } } },
      orderBy: { createdAt: "asc" },
    }),
    keysThatActed(db, member.companyId),
    db.auditEvent.groupBy({ by: ["action"], where: { companyId: member.companyId }, orderBy: { action: "asc" } }),
  ]);
  const runnable = keyMatches === null && problems.length === 0;
  const page = runnable
    ? await listAuditEvents(
        db,
        member.companyId,
        auditEventsQuerySchema.parse({ ...filters, ...isoDates(filters), limit: PAGE_SIZE, cursor }),
      ).catch(() => ({ data: [], nextCursor: null }))
    : { data: [], nextCursor: null };
  const names = await namesFor(db, member.companyId, page.data);
  const filtered = Object.values(form).some(Boolean);

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Audit log</h1>
          <p className="mt-1 text-sm text-slate-500">
            Every change and refused request, in a tamper-evident chain. Times are yours; hover one for the exact time.
          </p>
        </div>
        {runnable ? (
          <a
            href={`/audit/export.csv${auditQueryString(form)}`}
            className={buttonSecondary}
            data-testid="export-csv"
            download
          >
            Export CSV
          </a>
        ) : null}
      </div>

      <form method="get" action="/audit" className={`${card} grid gap-4 p-4 sm:grid-cols-2 lg:grid-cols-4`}>
        <Field id="audit-key" label="Key" className="lg:col-span-2">
          {(control) => (
            <input
              {...control}
              name="key"
              type="search"
              defaultValue={form.key}
              placeholder="Name, kw_live_Ab3d or fingerprint"
              className={`${input} mt-1.5`}
            />
          )}
        </Field>
        <Field id="audit-actor" label="Actor">
          {(control) => (
            <select {...control} name="actor" defaultValue={form.actor} className={`${inputBase} mt-1.5 w-full pr-8`}>
              <option value="">Anyone</option>
              <optgroup label="Members">
                {members.map((m) => (
                  <option key={m.userId} value={m.userId}>
                    {m.user.email}
                  </option>
                ))}
              </optgroup>
              {actingKeys.length > 0 ? (
                <optgroup label="Keys">
                  {actingKeys.map((k) => (
                    <option key={k.id} value={k.id}>
                      {k.name}
                    </option>
                  ))}
                </optgroup>
              ) : null}
            </select>
          )}
        </Field>
        <Field id="audit-action" label="Action">
          {(control) => (
            <select {...control} name="action" defaultValue={form.action} className={`${inputBase} mt-1.5 w-full pr-8`}>
              <option value="">Any action</option>
              {actions.map((a) => (
                <option key={a.action} value={a.action}>
                  {a.action}
                </option>
              ))}
            </select>
          )}
        </Field>
        {(["from", "to"] as const).map((bound) => (
          <Field key={bound} id={`audit-${bound}`} label={bound === "from" ? "From (UTC)" : "To (UTC)"}>
            {(control) => (
              <input
                {...control}
                name={bound}
                type="datetime-local"
                defaultValue={form[bound]}
                className={`${input} mt-1.5`}
              />
            )}
          </Field>
        ))}
        <div className="flex items-end gap-3 sm:col-span-2">
          <button type="submit" className={buttonSecondary}>
            Apply filters
          </button>
          {filtered ? (
            <Link href="/audit" className="px-1 py-2 text-sm font-medium text-slate-500 hover:text-slate-900">
              Clear
            </Link>
          ) : null}
        </div>
      </form>

      {problems.length > 0 ? (
        <div role="alert" className="rounded-md bg-red-50 px-4 py-3 text-sm text-red-700" data-testid="filter-error">
          {problems.map((p) => (
            <p key={p}>{p}</p>
          ))}
        </div>
      ) : null}

      {keyMatches !== null ? (
        <div className={`${card} p-5 text-sm`} data-testid="key-matches">
          {keyMatches.length === 0 ? (
            <p className="text-slate-600">No key matches “{form.key}”.</p>
          ) : (
            <>
              <p className="text-slate-600">Several keys match “{form.key}”. Pick one:</p>
              <ul className="mt-2 space-y-1">
                {keyMatches.map((k) => (
                  <li key={k.id}>
                    <Link
                      href={`/audit${auditQueryString({ ...form, key: k.id })}`}
                      className="font-medium text-indigo-700 hover:underline"
                    >
                      {k.name}
                    </Link>{" "}
                    <code className="font-mono text-xs text-slate-500">{k.start}…</code>
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      ) : runnable && page.data.length === 0 ? (
        <div className={`${card} px-6 py-14 text-center`} data-testid="audit-empty">
          <p className="font-medium text-slate-900">{filtered ? "No events match these filters" : "No events yet"}</p>
          <p className="mt-1 text-sm text-slate-500">
            {filtered
              ? "Widen the time range or clear a filter."
              : "Creating, rotating or revoking a key is recorded here."}
          </p>
        </div>
      ) : runnable ? (
        <>
          <AuditTable events={page.data} names={names} />
          <nav aria-label="Pagination" className="flex justify-end gap-2">
            {cursor ? (
              <Link href={`/audit${auditQueryString(form)}`} className={buttonSecondary}>
                ← Newest
              </Link>
            ) : null}
            {page.nextCursor ? (
              <Link href={`/audit${auditQueryString(form, { cursor: page.nextCursor })}`} className={buttonSecondary}>
                Older →
              </Link>
            ) : null}
          </nav>
        </>
      ) : null}
    </div>
  );
}

/** The keys that appear as actors in the log (refused requests, tokens, keys that manage keys), newest first. */
async function keysThatActed(db: Db, companyId: string): Promise<{ id: string; name: string }[]> {
  const actors = await db.auditEvent.groupBy({
    by: ["actorId"],
    where: { companyId, actorType: "key", actorId: { not: null } },
    _max: { seq: true },
    orderBy: { _max: { seq: "desc" } },
    // A menu, not a report: the key field above finds any other key.
    take: 100,
  });
  const ids = actors.flatMap((a) => (a.actorId ? [a.actorId] : []));
  const keys = await db.apiKey.findMany({ where: { companyId, id: { in: ids } }, select: { id: true, name: true } });
  const byId = new Map(keys.map((k) => [k.id, k]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/** auditEventsQuerySchema takes ISO strings, as the API's query string does. */
function isoDates(filters: { from?: Date; to?: Date }): { from?: string; to?: string } {
  return { from: filters.from?.toISOString(), to: filters.to?.toISOString() };
}
