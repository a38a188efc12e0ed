import { KeywardError } from "@keyward/auth-core";
import { alertRuleIdParamsSchema, getAlertRule } from "@keyward/db";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { type ApiContext, companyOf } from "../../context";
import { alertPayloadSchema } from "./schemas";

/**
 * `POST /v1/alert-rules/:id/test`: fires a test alert (`test: true`) through the rule's channels,
 * outside its cooldown, so a receiver's signature check can be tried end to end. 202: delivery is async.
 */
export const testAlertRuleRoute: FastifyPluginAsyncZod<ApiContext> = async (app, { db, alerts }) => {
  app.post(
    "/v1/alert-rules/:id/test",
    {
      config: { auth: { scopes: ["alerts:write"] } },
      schema: {
        tags: ["alerts"],
        summary: "Send a test alert",
        params: alertRuleIdParamsSchema,
        response: { 202: z.object({ id: z.string(), payload: alertPayloadSchema }) },
      },
    },
    async (request, reply) => {
      const rule = await getAlertRule(db, companyOf(request), request.params.id);
      const now = new Date();
      const fired = await alerts.fire({
        ruleId: rule.id,
        subject: "test",
        keyId: rule.keyId,
        count: 0,
        windowStart: new Date(now.getTime() - (rule.windowSeconds ?? 0) * 1000),
        windowEnd: now,
        test: true,
      });
      if (!fired) throw new KeywardError("SERVICE_UNAVAILABLE", "The test alert could not be stored, try again");
      return reply.status(202).send({ id: fired.id, payload: fired.payload });
    },
  );
};
