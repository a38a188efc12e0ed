import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { AUDIT_CSV_OPTIONS, auditEventPages, auditExportQuerySchema, type PublicAuditEvent } from "@keyward/core";
import { stringify } from "csv-stringify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { type ApiContext, companyOf } from "../../context";

/**
 * `GET /v1/audit-events/export.csv`: the filtered audit log as CSV, newest first. The file is
 * streamed: the database is read one page at a time as the client downloads, never all at once.
 */
export const exportAuditEventsRoute: FastifyPluginAsyncZod<ApiContext> = async (app, { db }) => {
  app.get(
    "/v1/audit-events/export.csv",
    {
      config: { auth: { scopes: ["audit:read"] } },
      schema: {
        tags: ["audit"],
        summary: "Export audit events as CSV",
        querystring: auditExportQuerySchema,
      },
    },
    async (request, reply) => {
      const pages = auditEventPages(db, companyOf(request), request.query);
      // The first page is read before answering: a failing database is then an error response,
      // not a download that stops halfway.
      const first = await pages.next();
      async function* events(): AsyncGenerator<PublicAuditEvent> {
        if (first.done) return;
        yield* first.value;
        for await (const page of pages) yield* page;
      }
      const csv = stringify({ ...AUDIT_CSV_OPTIONS, header: true });
      // A client that hangs up destroys `csv`, which ends the pipeline and stops the paging.
      pipeline(Readable.from(events()), csv).catch((err: Error) => {
        if (err.name !== "AbortError" && (err as NodeJS.ErrnoException).code !== "ERR_STREAM_PREMATURE_CLOSE") {
          request.log.error({ err }, "audit export failed mid-stream");
        }
      });
      return reply
        .header("Content-Type", "text/csv; charset=utf-8")
        .header("Content-Disposition", 'attachment; filename="audit-events.csv"')
        .header("Cache-Control", "no-store")
        .send(csv);
    },
  );
};
