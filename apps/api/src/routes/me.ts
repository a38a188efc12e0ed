import { KeywardError } from "@keyward/auth-core";
import { environmentSchema, roleSchema } from "@keyward/core";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { type ApiContext, companyOf, principalOf, scopesOf } from "../context";

export const meResponseSchema = z.object({
  // `token`: a JWT exchanged from a key (or a key's login session), named by that key's id.
  type: z.enum(["key", "user", "token"]),
  company: z.object({ id: z.string(), name: z.string() }),
  keyId: z.string().optional(),
  userId: z.string().optional(),
  role: roleSchema.optional(),
  scopes: z.array(z.string()),
  environment: environmentSchema.optional(),
});

/**
 * `GET /v1/me`: who is calling; any valid credential may ask (a CI job checks its key with it).
 * Everything but the company's name comes with the credential; the name is read fresh, or from
 * cache while the database is down, so a credential answered from cache gets a 200 then too.
 */
export const meRoutes: FastifyPluginAsyncZod<ApiContext> = async (app, { companies }) => {
  app.get(
    "/v1/me",
    {
      config: { auth: { scopes: [] } },
      schema: { tags: ["auth"], summary: "The calling credential", response: { 200: meResponseSchema } },
    },
    async (request) => {
      const principal = principalOf(request);
      const id = companyOf(request);
      const name = await companies.name(id, { fresh: true });
      // The company was deleted after the credential was checked: the credential is gone with it.
      if (name === null) throw new KeywardError("UNAUTHORIZED");
      const company = { id, name };
      const scopes = scopesOf(request);
      switch (principal.type) {
        case "key":
          return {
            type: "key" as const,
            company,
            keyId: principal.key.id,
            scopes,
            environment: principal.key.environment,
          };
        case "token":
          return {
            type: "token" as const,
            company,
            keyId: principal.keyId,
            scopes,
            environment: principal.environment,
          };
        case "user":
          return {
            type: "user" as const,
            company,
            userId: principal.userId,
            role: principal.role ?? undefined,
            scopes,
          };
      }
    },
  );
};
