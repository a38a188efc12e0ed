import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { ApiContext } from "../../context";

const publicJwkSchema = z.object({
  kty: z.string(),
  crv: z.string().optional(),
  x: z.string().optional(),
  y: z.string().optional(),
  kid: z.string(),
  alg: z.string(),
  use: z.string(),
});

/** `GET /.well-known/jwks.json`: the public halves of the API's active signing keys, to verify its JWTs. */
export const jwksRoute: FastifyPluginAsyncZod<ApiContext> = async (app, { tokens }) => {
  app.get(
    "/.well-known/jwks.json",
    {
      schema: {
        tags: ["auth"],
        summary: "The API's JWT verification keys (JWK Set)",
        response: { 200: z.object({ keys: z.array(publicJwkSchema) }) },
      },
    },
    async (_request, reply) => {
      reply.header("cache-control", "public, max-age=300");
      return tokens.signingKeys.jwks();
    },
  );
};
