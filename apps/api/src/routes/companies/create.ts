import {
  createCompany,
  createCompanyInputSchema,
  getCompany,
  passwordSchema,
  publicCompanySchema,
} from "@keyward/core";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { type ApiContext, operatorActorOf } from "../../context";

export const createCompanyBodySchema = createCompanyInputSchema.extend({
  ownerPassword: passwordSchema
    .optional()
    .describe("Required when ownerEmail is not a user yet (12–200 characters); ignored for an existing user"),
});

export const createdCompanySchema = z.object({
  company: publicCompanySchema,
  owner: z.object({
    id: z.string(),
    email: z.string(),
    created: z.boolean().describe("The owner was created now; false: an existing user was made its owner"),
  }),
});

/**
 * `POST /v1/companies`: a company and its owner. No key is minted: an operator key may not create
 * credentials beyond its own scopes, so the owner (or the CLI) makes the company's first keys. A
 * new owner must come with `ownerPassword`: the caller is a service, so a generated password would
 * reach a program instead of the person, and the API has no other way to hand one over.
 */
export const createCompanyRoute: FastifyPluginAsyncZod<ApiContext> = async (app, { db, passwordHashing }) => {
  app.post(
    "/v1/companies",
    {
      config: { auth: { scopes: ["companies:write"], callers: "operator" } },
      schema: {
        tags: ["companies"],
        summary: "Create a company and its owner",
        body: createCompanyBodySchema,
        response: { 201: createdCompanySchema },
      },
    },
    async (request, reply) => {
      const created = await createCompany(db, request.body, operatorActorOf(request), {
        ownerPassword: "required",
        ...(passwordHashing ? { hashing: passwordHashing } : {}),
      });
      const company = await getCompany(db, created.companyId);
      return reply.status(201).send({
        company,
        owner: { id: created.ownerId, email: request.body.ownerEmail, created: created.ownerCreated },
      });
    },
  );
};
