import { listAlertRules, listAlertRulesQuerySchema, publicAlertRuleSchema } from "@keyward/core";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { type ApiContext, companyOf } from "../../context";

/** `GET /v1/alert-rules`: the company's rules, newest first, cursor-paginated; webhook secrets never shown. */
export const listAlertRulesRoute: FastifyPluginAsyncZod<ApiContext> = async (app, { db }) => {
  app.get(
    "/v1/alert-rules",
    {
      config: { auth: { scopes: ["alerts:read"] } },
      schema: {
        tags: ["alerts"],
        summary: "List alert rules",
        querystring: listAlertRulesQuerySchema,
        response: { 200: z.object({ data: z.array(publicAlertRuleSchema), nextCursor: z.string().nullable() }) },
      },
    },
    async (request) => listAlertRules(db, companyOf(request), request.query),
  );
};
