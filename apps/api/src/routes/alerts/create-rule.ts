import { alertRuleInputSchemas, createAlertRule, publicAlertRuleSchema } from "@keyward/core";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { type ApiContext, actorOf, companyOf } from "../../context";
import { assertChannelsDeliverable } from "./email-channels";

/**
 * `POST /v1/alert-rules`: a rule as docs/api.md#alerts shows it. Webhook secrets are sealed before they are
 * stored and never returned (`secret: null, secretSet: true`); every replica picks the rule up.
 * A webhook inside the operator's network is a 400 unless KEYWARD_WEBHOOK_ALLOW_HOSTS names its host.
 */
export const createAlertRuleRoute: FastifyPluginAsyncZod<ApiContext> = async (app, { db, env, alerts }) => {
  const ruleSchemas = alertRuleInputSchemas(env.KEYWARD_WEBHOOK_ALLOW_HOSTS);
  app.post(
    "/v1/alert-rules",
    {
      config: { auth: { scopes: ["alerts:write"] } },
      schema: {
        tags: ["alerts"],
        summary: "Create an alert rule",
        body: ruleSchemas.create,
        response: { 201: publicAlertRuleSchema },
      },
    },
    async (request, reply) => {
      assertChannelsDeliverable(env, request.body.channels);
      const rule = await createAlertRule(db, companyOf(request), request.body, actorOf(request), alerts.box);
      await alerts.rules.changed();
      return reply.status(201).send(rule);
    },
  );
};
