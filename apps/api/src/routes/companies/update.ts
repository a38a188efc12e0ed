import { companyIdParamsSchema, publicCompanySchema, updateCompany, updateCompanyInputSchema } from "@keyward/core";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { type ApiContext, operatorActorOf } from "../../context";

/**
 * `PATCH /v1/companies/:id`: rename, suspend or resume. A suspension takes effect at once: this
 * replica drops the company's keys and members' roles from its caches, and the announcement reaches
 * the other replicas (Redis, else their poll of the key-change log).
 */
export const updateCompanyRoute: FastifyPluginAsyncZod<ApiContext> = async (app, { db, keyChanges, memberships }) => {
  app.patch(
    "/v1/companies/:id",
    {
      config: { auth: { scopes: ["companies:write"], callers: "operator" } },
      schema: {
        tags: ["companies"],
        summary: "Rename, suspend or resume a company",
        params: companyIdParamsSchema,
        body: updateCompanyInputSchema,
        response: { 200: publicCompanySchema },
      },
    },
    async (request) => {
      const { company, keyIds } = await updateCompany(db, request.params.id, request.body, operatorActorOf(request));
      if (request.body.status !== undefined) memberships.forgetAll();
      await Promise.all(keyIds.map((id) => keyChanges.announce(id)));
      return company;
    },
  );
};
