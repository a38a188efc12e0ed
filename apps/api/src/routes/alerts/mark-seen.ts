import { markAlertsSeen } from "@keyward/core";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { type ApiContext, companyOf } from "../../context";

/**
 * `POST /v1/alerts/seen`: marks every alert fired so far as seen (what clears the dashboard's badge).
 * It changes company state, so it needs `alerts:write`: a viewer (read-only) changes nothing.
 */
export const markAlertsSeenRoute: FastifyPluginAsyncZod<ApiContext> = async (app, { db }) => {
  app.post(
    "/v1/alerts/seen",
    {
      config: { auth: { scopes: ["alerts:write"] } },
      schema: {
        tags: ["alerts"],
        summary: "Mark fired alerts as seen",
        response: { 200: z.object({ marked: z.number() }) },
      },
    },
    async (request) => ({ marked: await markAlertsSeen(db, companyOf(request)) }),
  );
};
