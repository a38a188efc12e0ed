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
  cost: z
    .number()
    .int()
    .min(1)
    .max(1000)
    .optional()
    .describe("Rate-limit points this request takes from the key (default 1); usage still counts one request"),
});

export const verifyKeyResponseSchema = z.object({
  valid: z.boolean(),
  code: z.enum([
    "VALID",
    "NOT_FOUND",
    "EXPIRED",
    "REVOKED",
    "COMPANY_SUSPENDED",
    "INSUFFICIENT_SCOPE",
    "IP_NOT_ALLOWED",
    "RATE_LIMITED",
  ]),
  keyId: z.string().optional(),
  companyId: z
    .string()
    .optional()
    .describe("The key's company (so a service can scope its data by it); with `company` for an operator key"),
  company: z
    .object({ id: z.string(), name: z.string() })
    .optional()
    .describe("The key's company: answered to an operator key"),
  scopes: z.array(z.string()).optional(),
  environment: environmentSchema.optional(),
  expiresAt: z.string().nullable().optional().describe("When the key stops working: its expiry or grace end"),
  metadata: z
    .record(z.string(), z.unknown())
    .nullable()
    .optional()
    .describe("The key's metadata as your company set it (null for none): what your service knows the client by"),
  ratelimit: z.object({ limit: z.number(), remaining: z.number(), resetSeconds: z.number() }).optional(),
});

type VerifyKeyResponse = z.output<typeof verifyKeyResponseSchema>;

const NOT_FOUND: VerifyKeyResponse = { valid: false, code: "NOT_FOUND" };

/**
 * `POST /v1/keys/verify`: lets a company's own services check a key their clients present, and an
 * operator's services (an operator key) check a key of any company, answered with its company. It runs
 * the very pipeline that guards this API (same KeyVerifier, cache and rate limiter), so a verified
 * request counts as usage of that key and consumes its rate limit, exactly as if it had called the
 * API. Verdicts are answers, so every one is a 200; the caller's IP failure throttle is untouched,
 * since the caller's own credential was good. A key of another company is NOT_FOUND, as an unknown
 * one: nothing about it is returned, and nothing of it (rate limit, usage, last use) is consumed.
 */
export const verifyKeyRoute: FastifyPluginAsyncZod<ApiContext> = async (app, { verifier, companies }) => {
  app.post(
    "/v1/keys/verify",
    {
      config: { auth: { scopes: ["keys:verify"], callers: "any" } },
      schema: {
        tags: ["keys"],
        summary: "Verify a key",
        body: verifyKeyInputSchema,
        response: { 200: verifyKeyResponseSchema },
      },
    },
    async (request, reply) => {
      // An operator key's company is every company; anyone else's is their own.
      const companyId = request.operator ? undefined : companyOf(request);
      const { key, requiredScopes, ip, cost } = request.body;
      let result: VerifyResult;
      try {
        // The company is judged first: another company's key is never checked, counted or rate limited.
        result = await verifier.verify(key, { requiredScopes, ip, cost, ...(companyId ? { companyId } : {}) });
      } catch (error) {
        request.log.error({ err: error }, "key store unreachable");
        throw new KeywardError("SERVICE_UNAVAILABLE", "Key store unavailable, try again shortly");
      }
      reply.header("Cache-Control", "no-store");
      // An operator key is nobody's client: verified by an operator, it is unknown like any stranger.
      const record = result.key;
      const keyCompany = record?.companyId ?? null;
      if (result.code === "MALFORMED" || result.code === "NOT_FOUND" || record === undefined || keyCompany === null) {
        return NOT_FOUND;
      }
      if (companyId !== undefined && keyCompany !== companyId) return NOT_FOUND;

      const ends = [record.expiresAt, record.graceEndsAt].filter((d): d is Date => d !== null);
      const expiresAt = ends.length ? new Date(Math.min(...ends.map((d) => d.getTime()))).toISOString() : null;
      const response: VerifyKeyResponse = {
        valid: result.valid,
        code: result.code,
        keyId: record.id,
        companyId: keyCompany,
        scopes: record.scopes,
        environment: record.environment,
        expiresAt,
        metadata: record.metadata,
      };
      if (companyId === undefined) {
        const name = await companies.name(keyCompany);
        // Deleted since its key was cached: the key is gone with it.
        if (name === null) return NOT_FOUND;
        response.company = { id: keyCompany, name };
      }
      if (result.ratelimit) {
        const { limit, remaining, resetSeconds } = result.ratelimit;
        response.ratelimit = { limit, remaining, resetSeconds };
      }
      return response;
    },
  );
};
