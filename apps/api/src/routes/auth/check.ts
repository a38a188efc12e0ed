import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { type ApiContext, principalOf } from "../../context";
import { sessionSummarySchema, summarize } from "./schemas";

/** `GET /v1/auth/check`: 200 with who the session (or any credential) is, or the contract's 401. */
export const checkRoute: FastifyPluginAsyncZod<ApiContext> = async (app, { db }) => {
  app.get(
    "/v1/auth/check",
    {
      config: { auth: { scopes: [] } },
      schema: { tags: ["auth"], summary: "Is this session valid?", response: { 200: sessionSummarySchema } },
    },
    async (request) => summarize(db, principalOf(request)),
  );
};
