import { keyIdParamsSchema, publicKeySchema, updateKey, updateKeyInputSchema } from "@keyward/core";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { type ApiContext, actorOf, companyOf } from "../../context";

/**
 * `PATCH /v1/keys/:id`: name, scopes, IP allowlist, rate limit, expiry, metadata; effective at once.
 * The caller's scopes must cover the key's current scopes and its new ones (updateKey checks both).
 */
export const updateKeyRoute: FastifyPluginAsyncZod<ApiContext> = async (app, { db, keyChanges }) => {
  app.patch(
    "/v1/keys/:id",
    {
      config: { auth: { scopes: ["keys:write"] } },
      schema: {
        tags: ["keys"],
        summary: "Update a key",
        params: keyIdParamsSchema,
        body: updateKeyInputSchema,
        response: { 200: publicKeySchema },
      },
    },
    async (request) => {
      const updated = await updateKey(db, companyOf(request), request.params.id, request.body, actorOf(request));
      await keyChanges.announce(updated.id);
      return updated;
    },
  );
};
