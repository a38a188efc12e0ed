import { queryUsage, USAGE_DENIAL_REASONS, usageQuerySchema } from "@keyward/core";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { type ApiContext, companyOf } from "../../context";

export const usageResponseSchema = z.object({
  data: z.array(
    z.object({
      bucket: z.string().describe("Start of the bucket, ISO 8601 UTC"),
      allowed: z.number(),
      denied: z.number(),
      deniedByReason: z
        .record(z.string(), z.number())
        .describe(`Refusals by cause: ${USAGE_DENIAL_REASONS.join(", ")}`),
    }),
  ),
  keyId: z.string().nullable(),
  granularity: z.enum(["minute", "hour", "day"]),
  from: z.string(),
  to: z.string(),
});

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
        response: { 200: usageResponseSchema },
      },
    },
    async (request) => queryUsage(db, companyOf(request), request.query),
  );
};
