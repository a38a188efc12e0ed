import { KeywardError } from "@keyward/auth-core";
import { findKeyRecordsById } from "@keyward/core";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { type ApiContext, companyOf } from "../../context";

/** The verdicts an SDK answers from its cache (a key it does not know is verified here, and counted here). */
const REPORTED_CODES = [
  "VALID",
  "EXPIRED",
  "REVOKED",
  "COMPANY_SUSPENDED",
  "INSUFFICIENT_SCOPE",
  "IP_NOT_ALLOWED",
] as const;

/** A full report (1000 entries, each with an IPv6 address) is about 160 KB: more than the API's default limit. */
export const REPORT_BODY_LIMIT_BYTES = 256 * 1024;

export const reportUsageInputSchema = z.strictObject({
  usage: z
    .array(
      z.strictObject({
        keyId: z.uuid().describe("The key the requests presented"),
        code: z.enum(REPORTED_CODES).describe("The verdict they got"),
        count: z.number().int().min(1).max(1_000_000).describe("How many requests got it"),
        ip: z
          .union([z.ipv4(), z.ipv6()])
          .optional()
          .describe("The clients' IP (last use, new-IP alerts, refusal summaries)"),
      }),
    )
    .max(1000)
    .describe("Requests answered since the last report, grouped by key, verdict and IP"),
});

/**
 * `POST /v1/keys/usage`: the requests an SDK answered from its cache of verdicts, which never
 * reached Keyward, reported in batches so usage charts, last use, refusal summaries and alerts count
 * them like requests verified here. Each entry is counted now, in this replica's usage buffer. Keys
 * of another company, and ids of no key, are skipped without a word: the answer is the same, so it
 * says nothing about them.
 */
export const reportUsageRoute: FastifyPluginAsyncZod<ApiContext> = async (app, { db, usage }) => {
  app.post(
    "/v1/keys/usage",
    {
      config: { auth: { scopes: ["keys:verify"], callers: "any" } },
      bodyLimit: REPORT_BODY_LIMIT_BYTES,
      schema: {
        tags: ["keys"],
        summary: "Report requests an SDK answered itself",
        body: reportUsageInputSchema,
        response: { 202: z.object({}).describe("Counted (entries for keys the caller cannot see are skipped)") },
      },
    },
    async (request, reply) => {
      // An operator key reports for every company; anyone else only for their own keys.
      const companyId = request.operator ? undefined : companyOf(request);
      const entries = request.body.usage;
      if (entries.length === 0) return reply.code(202).send({});
      const ids = [...new Set(entries.map((entry) => entry.keyId))];
      let keys: Awaited<ReturnType<typeof findKeyRecordsById>>;
      try {
        keys = await findKeyRecordsById(db, ids, companyId);
      } catch (error) {
        request.log.error({ err: error }, "key store unreachable");
        throw new KeywardError("SERVICE_UNAVAILABLE", "Key store unavailable, try again shortly");
      }
      const byId = new Map(keys.map((key) => [key.id, key]));
      for (const { keyId, code, count, ip } of entries) {
        const key = byId.get(keyId);
        if (key !== undefined) usage.record(key, code, ip, count);
      }
      return reply.code(202).send({});
    },
  );
};
