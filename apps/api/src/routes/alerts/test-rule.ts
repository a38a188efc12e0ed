import { KeywardError } from "@keyward/auth-core";
import { alertPayloadSchema, alertRuleIdParamsSchema, getAlertRule, testAlertInput } from "@keyward/core";
import { sendError } from "@keyward/enforcement";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { CompanyQuota } from "../../auth/company-quota";
import { type ApiContext, companyOf } from "../../context";

/** Test alerts a company may send per minute: each one calls its webhooks. */
export const TEST_ALERTS_PER_MINUTE = 5;

/**
 * `POST /v1/alert-rules/:id/test`: fires a test alert (`test: true`) through the rule's channels,
 * outside its cooldown, so a receiver's signature check can be tried end to end. 202: delivery is async.
 * Limited per company (all replicas together with Redis): 429 after TEST_ALERTS_PER_MINUTE a minute.
 */
export const testAlertRuleRoute: FastifyPluginAsyncZod<ApiContext> = async (app, { db, redis, alerts }) => {
  const quota = new CompanyQuota({ redis, name: "test-alert", points: TEST_ALERTS_PER_MINUTE, windowSeconds: 60 });
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
      // Another company's rule (or none) is a 404 that costs the caller's quota nothing.
      const rule = await getAlertRule(db, companyOf(request), request.params.id);
      const taken = await quota.take(companyOf(request));
      reply.header("RateLimit-Limit", taken.limit);
      reply.header("RateLimit-Remaining", taken.remaining);
      reply.header("RateLimit-Reset", taken.resetSeconds);
      if (!taken.allowed) {
        reply.header("Retry-After", taken.resetSeconds);
        return sendError(
          reply,
          new KeywardError("RATE_LIMITED", `At most ${TEST_ALERTS_PER_MINUTE} test alerts a minute`, {
            retryAfterSeconds: taken.resetSeconds,
          }),
        );
      }
      const fired = await alerts.fire(testAlertInput(rule));
      if (!fired) throw new KeywardError("SERVICE_UNAVAILABLE", "The test alert could not be stored, try again");
      return reply.status(202).send({ id: fired.id, payload: fired.payload });
    },
  );
};
