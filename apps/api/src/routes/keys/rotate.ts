import { keyIdParamsSchema, publicKeySchema, rotateKey, rotateKeyInputSchema } from "@keyward/core";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { type ApiContext, actorOf, companyOf } from "../../context";

/**
 * `POST /v1/keys/:id/rotate`: a successor with the same settings, its secret shown this once. The
 * old key stops at once by default, or after `gracePeriodSeconds` (at most 7 days, never past its expiry).
 * A key already in its grace period is a 409 naming its successor: a second rotation never moves its end.
 */
export const rotateKeyRoute: FastifyPluginAsyncZod<ApiContext> = async (app, { db, keyChanges }) => {
  app.post(
    "/v1/keys/:id/rotate",
    {
      config: { auth: { scopes: ["keys:write"] } },
      schema: {
        tags: ["keys"],
        summary: "Rotate a key",
        params: keyIdParamsSchema,
        // A POST without a body arrives as null.
        body: rotateKeyInputSchema.nullish(),
        response: {
          201: publicKeySchema.extend({
            key: z.string().describe("The new secret, shown this once"),
            rotatedFrom: z.string(),
            oldKeyExpiresAt: z.string(),
          }),
        },
      },
    },
    async (request, reply) => {
      const grace = request.body?.gracePeriodSeconds ?? 0;
      const result = await rotateKey(db, companyOf(request), request.params.id, grace, actorOf(request));
      await keyChanges.announce(result.rotatedFrom);
      return reply.status(201).send({
        ...result.key,
        key: result.secret,
        rotatedFrom: result.rotatedFrom,
        oldKeyExpiresAt: result.oldKeyExpiresAt,
      });
    },
  );
};
