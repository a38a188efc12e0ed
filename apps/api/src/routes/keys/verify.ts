import { KeywardError, type VerifyResult } from "@keyward/auth-core";
import { environmentSchema, scopeSchema } from "@keyward/core";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { type ApiContext, companyOf } from "../../context";

export const verifyKeyInputSchema = z.strictObject({
  // Any string: a malformed key is an answer (NOT_FOUND), not a bad request.
  key: z.string().describe("The key a client presented to your service"),
  requiredScopes: z.array(scopeSchema).max(100).optional(),
  ip: z
    .union([z.ipv4(), z.ipv6()])
    .optional()
    .describe("Your client's IP, checked against the key's allowlist; without it an allowlisted key is refused"),
});

export const verifyKeyResponseSchema = z.object({
  valid: z.boolean(),
  code: z.enum(["VALID", "NOT_FOUND", "EXPIRED", "REVOKED", "INSUFFICIENT_SCOPE", "IP_NOT_ALLOWED", "RATE_LIMITED"]),
  keyId: z.string().optional(),
  scopes: z.array(z.string()).optional(),
  environment: environmentSchema.optional(),
  expiresAt: z.string().nullable().optional().describe("When the key stops working: its expiry or grace end"),
  ratelimit: z.object({ limit: z.number(), remaining: z.number(), resetSeconds: z.number() }).optional(),
});

type VerifyKeyResponse = z.output<typeof verifyKeyResponseSchema>;

const NOT_FOUND: VerifyKeyResponse = { valid: false, code: "NOT_FOUND" };

/**
 * `POST /v1/keys/verify`: lets a company's own services check a key their clients present. It runs
 * the very pipeline that guards this API (same KeyVerifier, cache and rate limiter), so a verified
 * request counts as usage of that key and consumes its rate limit, exactly as if it had called the
 * API. Verdicts are answers, so every one is a 200; the caller's IP failure throttle is untouched,
 * since the caller's own credential was good. A key of another company is NOT_FOUND, as an unknown
 * one: nothing about it is returned, and nothing of it (rate limit, usage, last use) is consumed.
 */
export const verifyKeyRoute: FastifyPluginAsyncZod<ApiContext> = async (app, { verifier }) => {
  app.post(
    "/v1/keys/verify",
    {
      config: { auth: { scopes: ["keys:verify"] } },
      schema: {
        tags: ["keys"],
        summary: "Verify a key",
        body: verifyKeyInputSchema,
        response: { 200: verifyKeyResponseSchema },
      },
    },
    async (request, reply) => {
      const companyId = companyOf(request);
      const { key, requiredScopes, ip } = request.body;
      let result: VerifyResult;
      try {
        // The company is judged first: another company's key is never checked, counted or rate limited.
        result = await verifier.verify(key, { requiredScopes, ip, companyId });
      } catch (error) {
        request.log.error({ err: error }, "key store unreachable");
        throw new KeywardError("SERVICE_UNAVAILABLE", "Key store unavailable, try again shortly");
      }
      reply.header("Cache-Control", "no-store");
      if (result.code === "MALFORMED" || result.code === "NOT_FOUND" || result.key?.companyId !== companyId) {
        return NOT_FOUND;
      }

      const record = result.key;
      const ends = [record.expiresAt, record.graceEndsAt].filter((d): d is Date => d !== null);
      const expiresAt = ends.length ? new Date(Math.min(...ends.map((d) => d.getTime()))).toISOString() : null;
      const response: VerifyKeyResponse = {
        valid: result.valid,
        code: result.code,
        keyId: record.id,
        scopes: record.scopes,
        environment: record.environment,
        expiresAt,
      };
      if (result.ratelimit) {
        const { limit, remaining, resetSeconds } = result.ratelimit;
        response.ratelimit = { limit, remaining, resetSeconds };
      }
      return response;
    },
  );
};
