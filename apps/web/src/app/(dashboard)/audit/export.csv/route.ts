import { auditEventPages, type PublicAuditEvent } from "@keyward/db";
import { auditQueryString, readAuditFilters } from "@/server/audit-filters";
import { getDb } from "@/server/db";
import { currentMember } from "@/server/session";

// The same columns, order and formula escaping as the API's GET /v1/audit-events/export.csv.
const COLUMNS: (keyof PublicAuditEvent)[] = [
  "id",
  "seq",
  "createdAt",
  "actorType",
  "actorId",
  "action",
  "targetType",
  "targetId",
  "keyId",
  "fingerprint",
  "ip",
  "userAgent",
  "reason",
  "metadata",
  "prevHash",
  "hash",
];

/** A spreadsheet runs a cell starting with = + - @ (or tab / CR) as a formula: prefix a quote (OWASP). */
function cell(value: unknown): string {
  if (value === null || value === undefined) return "";
  let text = typeof value === "object" ? JSON.stringify(value) : String(value);
  if (typeof value !== "number" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

const row = (values: unknown[]) => `${values.map(cell).join(",")}\r\n`;

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
      controller.enqueue(encoder.encode(row(COLUMNS)));
    },
    async pull(controller) {
      const next = await pages.next();
      if (next.done) {
        controller.close();
        return;
      }
      controller.enqueue(encoder.encode(next.value.map((e) => row(COLUMNS.map((c) => e[c]))).join("")));
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
