// The only place the API and the CLI read process.env; everything else receives an Env.
import { z } from "zod";

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  API_PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  API_HOST: z.string().default("127.0.0.1"),
  DATABASE_URL: z.string().url().optional(),
  KEYWARD_DATA_DIR: z.string().optional(),
  REDIS_URL: z.string().url().optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** How often counted usage (per key per minute, last use) is written to the database. */
  USAGE_FLUSH_INTERVAL_MS: z.coerce.number().int().min(100).max(300_000).default(5000),
  /** Refused credentials from one IP within the window before that IP gets 429. */
  AUTH_FAILURE_LIMIT: z.coerce.number().int().min(1).default(30),
  AUTH_FAILURE_WINDOW_SECONDS: z.coerce.number().int().min(1).default(60),
  /** Trust X-Forwarded-For from these proxies (comma-separated IPs/CIDRs, or `true` for any) to find the client IP. */
  TRUST_PROXY: z
    .string()
    .optional()
    .transform((v): boolean | string =>
      v === undefined || v === "" || v === "false" ? false : v === "true" ? true : v,
    ),
});

export type Env = z.output<typeof envSchema>;

export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n");
    throw new Error(`Invalid environment:\n${problems}`);
  }
  return parsed.data;
}
