import { getKey, keyIdParamsSchema, publicKeySchema } from "@keyward/core";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { type ApiContext, companyOf } from "../../context";

/** `GET /v1/keys/:id`: one key of the caller's company, never its secret. */
export const getKeyRoute: FastifyPluginAsyncZod<ApiContext> = async (app, { db }) => {
  app.get(
    "/v1/keys/:id",
    {
      config: { auth: { scopes: ["keys:read"] } },
      schema: { tags: ["keys"], summary: "Get a key", params: keyIdParamsSchema, response: { 200: publicKeySchema } },
    },
    async (request) => getKey(db, companyOf(request), request.params.id),
  );
};
