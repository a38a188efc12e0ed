import { createAlertRule, createAlertRuleInputSchema } from "@keyward/db";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { type ApiContext, actorOf, companyOf } from "../../context";
import { assertChannelsDeliverable, publicAlertRuleSchema } from "./schemas";

/**
 * `POST /v1/alert-rules`: a rule as SPEC §6 shows it. Webhook secrets are sealed before they are
 * stored and never returned (`secret: null, secretSet: true`); every replica picks the rule up.
 */
export const createAlertRuleRoute: FastifyPluginAsyncZod<ApiContext> = async (app, { db, env, alerts }) => {
  app.post(
    "/v1/alert-rules",
    {
      config: { auth: { scopes: ["alerts:write"] } },
      schema: {
        tags: ["alerts"],
        summary: "Create an alert rule",
        body: createAlertRuleInputSchema,
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
