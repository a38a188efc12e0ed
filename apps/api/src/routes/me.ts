import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { type ApiContext, principalOf } from "../context";

export const meResponseSchema = z.object({
  type: z.enum(["key", "user"]),
  company: z.object({ id: z.string(), name: z.string() }),
  keyId: z.string().optional(),
  scopes: z.array(z.string()),
  environment: z.enum(["live", "test"]).optional(),
});

/** `GET /v1/me`: who is calling; any valid credential may ask (a CI job checks its key with it). */
export const meRoutes: FastifyPluginAsyncZod<ApiContext> = async (app, { db }) => {
  app.get(
    "/v1/me",
    {
      config: { auth: { scopes: [] } },
      schema: { tags: ["auth"], summary: "The calling credential", response: { 200: meResponseSchema } },
    },
    async (request) => {
      const { key } = principalOf(request);
      const company = await db.company.findUniqueOrThrow({
        where: { id: key.companyId },
        select: { id: true, name: true },
      });
      return { type: "key" as const, company, keyId: key.id, scopes: key.scopes, environment: key.environment };
    },
  );
};
