import { KeywardError } from "@keyward/auth-core";
import { appendAuditEvent } from "@keyward/core";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { KEY_TOKEN_DEFAULT_TTL_SECONDS, KEY_TOKEN_MAX_TTL_SECONDS } from "../../auth/claims";
import { type ApiContext, actorOf, principalOf } from "../../context";

export const tokenBodySchema = z.strictObject({
  ttlSeconds: z
    .int()
    .min(1)
    .max(KEY_TOKEN_MAX_TTL_SECONDS)
    .optional()
    .describe(`Lifetime, default ${KEY_TOKEN_DEFAULT_TTL_SECONDS}; never past the key's own expiry`),
});

/**
 * `POST /v1/auth/token`: exchanges an API key for a short-lived ES256 JWT carrying the key's id
 * and scopes. Every use of the token re-checks the key from the by-id cache that key changes
 * invalidate on every replica, so revoking the key stops its tokens as fast as the key itself.
 */
export const tokenRoute: FastifyPluginAsyncZod<ApiContext> = async (app, { db, tokens }) => {
  app.post(
    "/v1/auth/token",
    {
      config: { auth: { scopes: [] } },
      schema: {
        tags: ["auth"],
        summary: "Exchange an API key for a short-lived JWT",
        body: tokenBodySchema.nullish(),
        response: {
          201: z.object({
            token: z.string(),
            expiresAt: z.string(),
            keyId: z.string(),
            scopes: z.array(z.string()),
          }),
        },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      // A token minted from a token would outlive the checks of its parent exchange.
      if (principal.type !== "key") throw new KeywardError("FORBIDDEN", "Only an API key can be exchanged for a token");
      const { key } = principal;
      const ttlSeconds = request.body?.ttlSeconds ?? KEY_TOKEN_DEFAULT_TTL_SECONDS;
      const issued = await tokens.issueKeyToken(key, { ttlSeconds, session: false });
      await db.$transaction((tx) =>
        appendAuditEvent(tx, {
          companyId: key.companyId,
          actor: actorOf(request),
          action: "token.issued",
          targetType: "key",
          targetId: key.id,
          keyId: key.id,
          metadata: { tokenId: issued.tokenId, expiresAt: issued.expiresAt.toISOString() },
        }),
      );
      return reply
        .status(201)
        .send({ token: issued.token, expiresAt: issued.expiresAt.toISOString(), keyId: key.id, scopes: key.scopes });
    },
  );
};
