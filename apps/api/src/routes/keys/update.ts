import { keyIdParamsSchema, updateKey, updateKeyInputSchema } from "@keyward/db";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { type ApiContext, actorOf, companyOf, scopesOf } from "../../context";
import { assertCanGrant } from "../../enforcement/grant-guard";
import { publicKeySchema } from "./schemas";

/** `PATCH /v1/keys/:id`: name, scopes, IP allowlist, rate limit, expiry, metadata; effective at once. */
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
      if (request.body.scopes) assertCanGrant(scopesOf(request), request.body.scopes);
      const updated = await updateKey(db, companyOf(request), request.params.id, request.body, actorOf(request));
      await keyChanges.announce(updated.id);
      return updated;
    },
  );
};
