import { auditEventsQuerySchema, listAuditEvents } from "@keyward/core";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { type ApiContext, companyOf } from "../../context";

export const auditEventSchema = z.object({
  id: z.string(),
  seq: z.number().describe("Position in the company's hash chain"),
  createdAt: z.string(),
  actorType: z.string(),
  actorId: z.string().nullable(),
  action: z.string(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  keyId: z.string().nullable(),
  fingerprint: z.string().nullable(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  reason: z.string().nullable(),
  metadata: z.unknown(),
  prevHash: z.string().nullable(),
  hash: z.string(),
});

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
        response: { 200: z.object({ data: z.array(auditEventSchema), nextCursor: z.string().nullable() }) },
      },
    },
    async (request) => listAuditEvents(db, companyOf(request), request.query),
  );
};
