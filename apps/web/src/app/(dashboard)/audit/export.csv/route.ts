import { auditCsv, auditEventPages } from "@keyward/core";
import { auditQueryString, readAuditFilters } from "@/server/audit-filters";
import { getDb } from "@/server/db";
import { currentMember } from "@/server/session";

/**
 * The filtered audit log as CSV, streamed: auditEventPages reads one page at a time as the browser
 * downloads. Any member may export (viewers see everything); the proxy's redirect is not the guard.
 */
export async function GET(request: Request): Promise<Response> {
  const member = await currentMember();
  if (!member) return new Response("Sign in to export the audit log.\n", { status: 401 });
  const db = await getDb();
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const { form, filters, keyMatches, problems } = await readAuditFilters(db, member.companyId, params);
  if (keyMatches !== null || problems.length > 0) {
    return new Response(`Fix the filters first: /audit${auditQueryString(form)}\n`, { status: 400 });
  }
  const pages = auditEventPages(db, member.companyId, filters);
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(auditCsv([], true)));
    },
    async pull(controller) {
      const next = await pages.next();
      if (next.done) {
        controller.close();
        return;
      }
      controller.enqueue(encoder.encode(auditCsv(next.value)));
    },
    async cancel() {
      await pages.return(undefined);
    },
  });
  return new Response(body, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": 'attachment; filename="audit-events.csv"',
      "Cache-Control": "no-store",
    },
  });
}
