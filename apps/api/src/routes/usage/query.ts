import { queryUsage, usageQuerySchema, usageSeriesSchema } from "@keyward/core";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { type ApiContext, companyOf } from "../../context";

/**
 * `GET /v1/usage`: allowed and refused requests over time, for the company or one of its keys,
 * per minute (at most 1 day), hour (at most 31 days) or day (at most 400 days).
 */
export const usageRoute: FastifyPluginAsyncZod<ApiContext> = async (app, { db }) => {
  app.get(
    "/v1/usage",
    {
      config: { auth: { scopes: ["usage:read"] } },
      schema: {
        tags: ["usage"],
        summary: "Usage over time",
        querystring: usageQuerySchema,
        response: { 200: usageSeriesSchema },
      },
    },
    async (request) => queryUsage(db, companyOf(request), request.query),
  );
};
