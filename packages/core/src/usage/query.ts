// Usage as a time series (docs/api.md#endpoints `GET /v1/usage`): the per-minute counts of `usage_buckets`
// summed per minute, hour or day in SQL, then laid out as a dense UTC series so a chart needs no
// gap filling. Buckets are whole: `from` is rounded down and `to` up to a bucket boundary.
import { KeywardError } from "@keyward/auth-core";
import type { Db } from "@keyward/db";
import { Prisma } from "@keyward/db";
import { z } from "zod";
import { timestamp } from "../bounded-input";

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

export const usageGranularitySchema = z.enum(["minute", "hour", "day"]);
export type UsageGranularity = z.output<typeof usageGranularitySchema>;

export const USAGE_BUCKET_MS: Record<UsageGranularity, number> = { minute: MINUTE_MS, hour: HOUR_MS, day: DAY_MS };

/** Longest range per granularity, so one answer holds at most ~1,500 buckets. */
export const USAGE_MAX_RANGE_MS: Record<UsageGranularity, number> = {
  minute: DAY_MS,
  hour: 31 * DAY_MS,
  day: 400 * DAY_MS,
};

/** Range when the caller gives no `from`: the last hour, day or 30 days before `to`. */
const USAGE_DEFAULT_RANGE_MS: Record<UsageGranularity, number> = {
  minute: HOUR_MS,
  hour: DAY_MS,
  day: 30 * DAY_MS,
};

/** Refusal causes as the usage buffer writes them (the verifier's codes, lower case). */
export const USAGE_DENIAL_REASONS = [
  "revoked",
  "expired",
  "company_suspended",
  "insufficient_scope",
  "ip_not_allowed",
  "rate_limited",
] as const;

export const usageQuerySchema = z
  .strictObject({
    keyId: z.uuid().optional(),
    from: timestamp().optional(),
    to: timestamp().optional(),
    granularity: usageGranularitySchema.default("hour"),
  })
  .transform((query, ctx) => {
    const to = query.to ?? new Date();
    const from = query.from ?? new Date(to.getTime() - USAGE_DEFAULT_RANGE_MS[query.granularity]);
    if (from.getTime() >= to.getTime()) {
      ctx.issues.push({ code: "custom", input: query, path: ["from"], message: "from must be before to" });
      return z.NEVER;
    }
    const max = USAGE_MAX_RANGE_MS[query.granularity];
    if (to.getTime() - from.getTime() > max) {
      ctx.issues.push({
        code: "custom",
        input: query,
        path: ["from"],
        message: `At most ${max / DAY_MS} days per request with granularity ${query.granularity}`,
      });
      return z.NEVER;
    }
    return { keyId: query.keyId, granularity: query.granularity, from, to };
  });

export type UsageQuery = z.output<typeof usageQuerySchema>;

/** One bucket of a usage series. */
export const usagePointSchema = z.object({
  bucket: z.string().describe("Start of the bucket, ISO 8601 UTC"),
  allowed: z.number(),
  denied: z.number(),
  deniedByReason: z.record(z.string(), z.number()).describe(`Refusals by cause: ${USAGE_DENIAL_REASONS.join(", ")}`),
});

export type UsagePoint = z.output<typeof usagePointSchema>;

/** The answer of `GET /v1/usage`: the one declaration of it, the type inferred and the API documented from it. */
export const usageSeriesSchema = z.object({
  data: z.array(usagePointSchema),
  keyId: z.string().nullable(),
  granularity: usageGranularitySchema,
  from: z.string(),
  to: z.string(),
});

export type UsageSeries = z.output<typeof usageSeriesSchema>;

const floorTo = (ms: number, step: number) => ms - (((ms % step) + step) % step);

/**
 * A company's usage, or one of its keys' (an unknown key, or another company's, is NOT_FOUND).
 * Counts reach the table in batches, so the newest seconds may not show yet.
 */
export async function queryUsage(db: Db, companyId: string, query: UsageQuery): Promise<UsageSeries> {
  if (query.keyId !== undefined) {
    const key = await db.apiKey.findFirst({ where: { id: query.keyId, companyId }, select: { id: true } });
    if (!key) throw new KeywardError("NOT_FOUND", "Key not found");
  }
  const step = USAGE_BUCKET_MS[query.granularity];
  const from = floorTo(query.from.getTime(), step);
  const to = floorTo(query.to.getTime() + step - 1, step);

  const rows = await db.$queryRaw<{ bucket: Date; outcome: string; count: bigint }[]>`
    SELECT date_trunc(${query.granularity}::text, minute, 'UTC') AS bucket, outcome, SUM(count)::bigint AS count
    FROM usage_buckets
    WHERE company_id = ${companyId}::uuid
      ${query.keyId === undefined ? Prisma.empty : Prisma.sql`AND key_id = ${query.keyId}::uuid`}
      AND minute >= ${new Date(from)}::timestamptz AND minute < ${new Date(to)}::timestamptz
    GROUP BY 1, 2`;

  const points = new Map<number, UsagePoint>();
  for (let t = from; t < to; t += step) {
    const deniedByReason: Record<string, number> = {};
    for (const reason of USAGE_DENIAL_REASONS) deniedByReason[reason] = 0;
    points.set(t, { bucket: new Date(t).toISOString(), allowed: 0, denied: 0, deniedByReason });
  }
  for (const row of rows) {
    const point = points.get(row.bucket.getTime());
    if (!point) continue;
    const count = Number(row.count);
    if (row.outcome === "allowed") {
      point.allowed += count;
    } else {
      point.denied += count;
      point.deniedByReason[row.outcome] = (point.deniedByReason[row.outcome] ?? 0) + count;
    }
  }
  return {
    data: [...points.values()],
    keyId: query.keyId ?? null,
    granularity: query.granularity,
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
  };
}
