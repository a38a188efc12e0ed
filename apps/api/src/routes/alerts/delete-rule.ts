import { alertRuleIdParamsSchema, deleteAlertRule } from "@keyward/core";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { type ApiContext, actorOf, companyOf } from "../../context";

/** `DELETE /v1/alert-rules/:id`: removes the rule and its fired alerts; 204. */
export const deleteAlertRuleRoute: FastifyPluginAsyncZod<ApiContext> = async (app, { db, alerts }) => {
  app.delete(
    "/v1/alert-rules/:id",
    {
      config: { auth: { scopes: ["alerts:write"] } },
      schema: {
        tags: ["alerts"],
        summary: "Delete an alert rule",
        params: alertRuleIdParamsSchema,
        response: { 204: z.null().describe("Deleted") },
      },
    },
    async (request, reply) => {
      await deleteAlertRule(db, companyOf(request), request.params.id, actorOf(request));
      await alerts.rules.changed();
      return reply.status(204).send(null);
    },
  );
};
