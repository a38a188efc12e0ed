import { auditEventsQuerySchema, listAuditEvents, publicAuditEventSchema } from "@keyward/core";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { type ApiContext, companyOf } from "../../context";

/** `GET /v1/audit-events`: the company's audit log, newest first, filtered and cursor-paginated. */
export const listAuditEventsRoute: FastifyPluginAsyncZod<ApiContext> = async (app, { db }) => {
  app.get(
    "/v1/audit-events",
    {
      config: { auth: { scopes: ["audit:read"] } },
      schema: {
        tags: ["audit"],
        summary: "List audit events",
        querystring: auditEventsQuerySchema,
        response: { 200: z.object({ data: z.array(publicAuditEventSchema), nextCursor: z.string().nullable() }) },
      },
    },
    async (request) => listAuditEvents(db, companyOf(request), request.query),
  );
};
