// The environment every enforcement point reads (the API's and the guard's env.ts spread this shape),
// so a managed key is judged with the same settings wherever it is presented.
import { parseTrustProxy, type TrustProxy } from "@keyward/auth-core";
import { decodeEncryptionKey } from "@keyward/core";
import { z } from "zod";

export const enforcementEnvShape = {
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: z.string().url().optional(),
  KEYWARD_DATA_DIR: z.string().optional(),
  REDIS_URL: z.string().url().optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** 32 bytes, base64 or hex: encrypts secrets at rest (signing keys, webhook and guard secrets). */
  KEYWARD_ENCRYPTION_KEY: z
    .string()
    .optional()
    .refine((v) => v === undefined || decodeEncryptionKey(v) !== null, "must be 32 bytes, base64 or hex"),
  /** How often counted usage (per key per minute, last use) is written to the database. */
  USAGE_FLUSH_INTERVAL_MS: z.coerce.number().int().min(100).max(300_000).default(5000),
  /** Refused credentials from one IP within the window before that IP gets 429. */
  AUTH_FAILURE_LIMIT: z.coerce.number().int().min(1).default(30),
  AUTH_FAILURE_WINDOW_SECONDS: z.coerce.number().int().min(1).default(60),
  /** How often each replica adds its alert counts to the shared counters and checks the rules. */
  ALERT_FLUSH_INTERVAL_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
  /** How often each replica re-reads the enabled rules (a change made through it applies at once). */
  ALERT_RULES_POLL_MS: z.coerce.number().int().min(50).max(300_000).default(5000),
  /**
   * Which peers are proxies whose X-Forwarded-For names the client (auth-core's client-ip.ts, the same
   * rule as the dashboard's): comma-separated IPs/CIDRs, or a number of hops; unset trusts none.
   */
  TRUST_PROXY: z
    .string()
    .optional()
    .transform((value, ctx): TrustProxy => {
      try {
        return parseTrustProxy(value);
      } catch (error) {
        ctx.addIssue({ code: "custom", message: (error as Error).message });
        return z.NEVER;
      }
    }),
};

const enforcementEnvSchema = z.object(enforcementEnvShape);
export type EnforcementEnv = z.output<typeof enforcementEnvSchema>;

/** Parses an environment against a schema, or throws one message listing every problem. */
export function parseEnv<T extends z.ZodType>(schema: T, source: Record<string, string | undefined>): z.output<T> {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n");
    throw new Error(`Invalid environment:\n${problems}`);
  }
  return parsed.data;
}
