import { companyIdParamsSchema, getCompany, publicCompanySchema } from "@keyward/core";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { ApiContext } from "../../context";

/** `GET /v1/companies/:id`: one company, with its key and member counts and last activity. */
export const getCompanyRoute: FastifyPluginAsyncZod<ApiContext> = async (app, { db }) => {
  app.get(
    "/v1/companies/:id",
    {
      config: { auth: { scopes: ["companies:read"], callers: "operator" } },
      schema: {
        tags: ["companies"],
        summary: "Get a company",
        params: companyIdParamsSchema,
        response: { 200: publicCompanySchema },
      },
    },
    async (request) => getCompany(db, request.params.id),
  );
};
