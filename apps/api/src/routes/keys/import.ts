import { importKeys, importKeysInputSchema, publicKeySchema } from "@keyward/core";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { type ApiContext, actorOf, companyOf } from "../../context";

/** 1,000 keys with names, scopes and some metadata: far more than the 64 KB other routes accept. */
export const IMPORT_BODY_LIMIT_BYTES = 1024 * 1024;

/**
 * `POST /v1/keys/import`: brings keys of another system over by their SHA-256 hash, so their
 * holders keep using them unchanged. As for created keys, a caller cannot grant scopes it lacks.
 */
export const importKeysRoute: FastifyPluginAsyncZod<ApiContext> = async (app, { db, verifier }) => {
  app.post(
    "/v1/keys/import",
    {
      bodyLimit: IMPORT_BODY_LIMIT_BYTES,
      config: { auth: { scopes: ["keys:write"] } },
      schema: {
        tags: ["keys"],
        summary: "Import keys by hash",
        body: importKeysInputSchema,
        response: { 201: z.object({ data: z.array(publicKeySchema) }) },
      },
    },
    async (request, reply) => {
      const imported = await importKeys(db, companyOf(request), request.body.keys, actorOf(request));
      // A holder may have tried the key moments ago: drop this replica's "unknown key" memory of it.
      for (const key of request.body.keys) verifier.invalidateHash(key.hash);
      return reply.status(201).send({ data: imported });
    },
  );
};
