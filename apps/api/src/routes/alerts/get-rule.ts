import { alertRuleIdParamsSchema, getAlertRule, publicAlertRuleSchema } from "@keyward/core";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { type ApiContext, companyOf } from "../../context";

/** `GET /v1/alert-rules/:id`: one rule; another company's is 404. */
export const getAlertRuleRoute: FastifyPluginAsyncZod<ApiContext> = async (app, { db }) => {
  app.get(
    "/v1/alert-rules/:id",
    {
      config: { auth: { scopes: ["alerts:read"] } },
      schema: {
        tags: ["alerts"],
        summary: "Get an alert rule",
        params: alertRuleIdParamsSchema,
        response: { 200: publicAlertRuleSchema },
      },
    },
    async (request) => getAlertRule(db, companyOf(request), request.params.id),
  );
};
