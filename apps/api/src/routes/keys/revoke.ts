import { keyIdParamsSchema, publicKeySchema, revokeKey, revokeKeyInputSchema } from "@keyward/core";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { type ApiContext, actorOf, companyOf } from "../../context";

/** `POST /v1/keys/:id/revoke`: the key stops working at once, on every replica. */
export const revokeKeyRoute: FastifyPluginAsyncZod<ApiContext> = async (app, { db, keyChanges }) => {
  app.post(
    "/v1/keys/:id/revoke",
    {
      config: { auth: { scopes: ["keys:write"] } },
      schema: {
        tags: ["keys"],
        summary: "Revoke a key",
        params: keyIdParamsSchema,
        body: revokeKeyInputSchema.nullish(),
        response: { 200: publicKeySchema },
      },
    },
    async (request) => {
      const revoked = await revokeKey(
        db,
        companyOf(request),
        request.params.id,
        request.body?.reason,
        actorOf(request),
      );
      await keyChanges.announce(revoked.id);
      return revoked;
    },
  );
};
