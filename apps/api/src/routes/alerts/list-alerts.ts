import { listAlerts, listAlertsQuerySchema, publicAlertSchema } from "@keyward/core";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { type ApiContext, companyOf } from "../../context";

/** `GET /v1/alerts`: fired alerts, newest first, each with its payload and every delivery attempt. */
export const listAlertsRoute: FastifyPluginAsyncZod<ApiContext> = async (app, { db }) => {
  app.get(
    "/v1/alerts",
    {
      config: { auth: { scopes: ["alerts:read"] } },
      schema: {
        tags: ["alerts"],
        summary: "List fired alerts with their delivery attempts",
        querystring: listAlertsQuerySchema,
        response: { 200: z.object({ data: z.array(publicAlertSchema), nextCursor: z.string().nullable() }) },
      },
    },
    async (request) => listAlerts(db, companyOf(request), request.query),
  );
};
