import { KeywardError } from "@keyward/auth-core";
import { companiesOf, environmentSchema, roleSchema } from "@keyward/core";
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
  companies: z
    .array(z.object({ id: z.string(), name: z.string(), role: roleSchema, suspended: z.boolean() }))
    .optional()
    .describe(
      "For a Keyward user: every company they are a member of, in the order they joined (log in to another with `company`). Absent while the database cannot be read.",
    ),
});

/**
 * `GET /v1/me`: who is calling; any valid credential may ask (a CI job checks its key with it).
 * Everything but the company's name comes with the credential; the name is read fresh, or from
 * cache while the database is down, so a credential answered from cache gets a 200 then too.
 */
export const meRoutes: FastifyPluginAsyncZod<ApiContext> = async (app, { db, companies }) => {
  /** The user's companies, or nothing while the database is down (the rest of the answer may come from cache). */
  async function membershipsOf(userId: string) {
    try {
      const rows = await companiesOf(db, userId);
      return { companies: rows.map(({ id, name, role, suspended }) => ({ id, name, role, suspended })) };
    } catch (error) {
      app.log.warn({ err: error }, "companies of a user unreadable; /v1/me answered without them");
      return {};
    }
  }

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
            ...(principal.issuer === "keyward" ? await membershipsOf(principal.userId) : {}),
          };
      }
    },
  );
};
