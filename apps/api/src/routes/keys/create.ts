import { createKey, createKeyInputSchema, publicKeySchema } from "@keyward/core";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { type ApiContext, actorOf, companyOf } from "../../context";

/**
 * `POST /v1/keys`: creates a key and returns its secret, this once. A key cannot mint a key more
 * powerful than itself: createKey holds the requested scopes to the caller's (assertMayManageKeys).
 */
export const createKeyRoute: FastifyPluginAsyncZod<ApiContext> = async (app, { db }) => {
  app.post(
    "/v1/keys",
    {
      config: { auth: { scopes: ["keys:write"] } },
      schema: {
        tags: ["keys"],
        summary: "Create a key",
        body: createKeyInputSchema,
        response: { 201: publicKeySchema.extend({ key: z.string().describe("The secret, shown this once") }) },
      },
    },
    async (request, reply) => {
      const created = await createKey(db, companyOf(request), request.body, actorOf(request));
      return reply.status(201).send({ ...created.key, key: created.secret });
    },
  );
};
