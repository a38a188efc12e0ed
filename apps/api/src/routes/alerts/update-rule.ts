import { alertRuleIdParamsSchema, alertRuleInputSchemas, publicAlertRuleSchema, updateAlertRule } from "@keyward/core";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { type ApiContext, actorOf, companyOf } from "../../context";
import { assertChannelsDeliverable } from "./email-channels";

/**
 * `PATCH /v1/alert-rules/:id`: change any field, enable or disable. A webhook channel sent without
 * a secret keeps the secret of the existing channel with the same URL (secrets are write-only).
 * A webhook inside the operator's network is a 400 unless KEYWARD_WEBHOOK_ALLOW_HOSTS names its host.
 */
export const updateAlertRuleRoute: FastifyPluginAsyncZod<ApiContext> = async (app, { db, env, alerts }) => {
  const ruleSchemas = alertRuleInputSchemas(env.KEYWARD_WEBHOOK_ALLOW_HOSTS);
  app.patch(
    "/v1/alert-rules/:id",
    {
      config: { auth: { scopes: ["alerts:write"] } },
      schema: {
        tags: ["alerts"],
        summary: "Update an alert rule",
        params: alertRuleIdParamsSchema,
        body: ruleSchemas.update,
        response: { 200: publicAlertRuleSchema },
      },
    },
    async (request) => {
      assertChannelsDeliverable(env, request.body.channels);
      const rule = await updateAlertRule(
        db,
        companyOf(request),
        request.params.id,
        request.body,
        actorOf(request),
        alerts.box,
      );
      await alerts.rules.changed();
      return rule;
    },
  );
};
