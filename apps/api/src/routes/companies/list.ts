import { listCompanies, publicCompanySchema } from "@keyward/core";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { ApiContext } from "../../context";

/** `GET /v1/companies`: every company of the installation, oldest first, for an operator key. */
export const listCompaniesRoute: FastifyPluginAsyncZod<ApiContext> = async (app, { db }) => {
  app.get(
    "/v1/companies",
    {
      config: { auth: { scopes: ["companies:read"], callers: "operator" } },
      schema: {
        tags: ["companies"],
        summary: "List companies",
        response: { 200: z.object({ data: z.array(publicCompanySchema) }) },
      },
    },
    async () => ({ data: await listCompanies(db) }),
  );
};
