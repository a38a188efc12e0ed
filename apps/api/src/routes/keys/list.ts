import { listKeys, listKeysQuerySchema, publicKeySchema } from "@keyward/core";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { type ApiContext, companyOf } from "../../context";

/** `GET /v1/keys`: the caller's company's keys, newest first, cursor-paginated. */
export const listKeysRoute: FastifyPluginAsyncZod<ApiContext> = async (app, { db }) => {
  app.get(
    "/v1/keys",
    {
      config: { auth: { scopes: ["keys:read"] } },
      schema: {
        tags: ["keys"],
        summary: "List keys",
        querystring: listKeysQuerySchema,
        response: {
          200: z.object({
            data: z.array(publicKeySchema),
            nextCursor: z.string().nullable().describe("The next (older) page: pass it as `cursor`"),
            prevCursor: z.string().nullable().describe("The previous (newer) page: pass it as `before`"),
          }),
        },
      },
    },
    async (request) => listKeys(db, companyOf(request), request.query),
  );
};
