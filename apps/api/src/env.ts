// The only place the API reads process.env; everything else receives an Env.
import { parseAllowedHosts } from "@keyward/auth-core";
import { enforcementEnvShape, parseEnv } from "@keyward/enforcement";
import { tlsEnvShape, tlsSettings } from "@keyward/tls";
import { z } from "zod";
import { KEYWARD_ISSUER } from "./auth/claims";
import { parseTrustedOrigins } from "./auth/csrf";

const envSchema = z.object({
  ...enforcementEnvShape,
  /** HTTPS (docs/operations.md#https): KEYWARD_TLS=off|files|auto and its companions, read by @keyward/tls. */
  ...tlsEnvShape,
  API_PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  API_HOST: z.string().default("127.0.0.1"),
  /**
   * Password logins (with the dashboard's, @keyward/core password-login.ts): 10 failures per account and
   * IP in this window, 100 per account in four windows.
   */
  LOGIN_THROTTLE_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(900),
  /** Self-service sign-up: "open" enables POST /v1/auth/signup (a new company and its owner); "closed" answers 404. */
  KEYWARD_SIGNUP: z.enum(["open", "closed"]).default("closed"),
  /** Origins besides the API's own whose pages may make changes with the kw_session cookie (auth/csrf.ts). */
  KEYWARD_TRUSTED_ORIGINS: z
    .string()
    .optional()
    .transform((value, ctx): ReadonlySet<string> => {
      const origins = parseTrustedOrigins(value);
      if (typeof origins === "string") {
        ctx.addIssue({ code: "custom", message: origins });
        return z.NEVER;
      }
      return origins;
    }),
  /** How long a Keyward user's membership is cached: a removal or a new role applies within this time. */
  MEMBERSHIP_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(5000),
  /** Accept HS256 JWTs signed with this shared secret. */
  KEYWARD_JWT_SECRET: z.string().min(32).optional(),
  /** Accept JWTs of an external identity provider whose keys are published here (issuer and audience required). */
  KEYWARD_JWKS_URL: z.string().url().optional(),
  KEYWARD_JWT_ISSUER: z.string().min(1).optional(),
  KEYWARD_JWT_AUDIENCE: z.string().min(1).optional(),
  /** The claim of an external or HS256 token that holds the Keyward company id. */
  KEYWARD_JWT_COMPANY_CLAIM: z.string().min(1).default("company"),
  /** How often the event streams of a company look for its new audit events. */
  EVENTS_POLL_INTERVAL_MS: z.coerce.number().int().min(50).max(60_000).default(500),
  /** Comment lines that keep an idle event stream open through proxies. */
  EVENTS_HEARTBEAT_MS: z.coerce.number().int().min(100).max(300_000).default(15_000),
  /** Open event streams per company on one replica before new ones get 429. */
  EVENTS_MAX_STREAMS_PER_COMPANY: z.coerce.number().int().min(1).default(50),
  /** An event stream whose client has not read what it was sent for this long is closed (it may reconnect). */
  EVENTS_STALL_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  /** Alerts (src/alerts): where email alerts (and the dashboard's invites) are sent, e.g. smtp://user:pass@host:587. */
  SMTP_URL: z.preprocess((v) => (v === "" ? undefined : v), z.url({ protocol: /^smtps?$/ }).optional()),
  ALERT_EMAIL_FROM: z.string().min(3).default("Keyward <alerts@keyward.localhost>"),
  /** How often the expiring-key rules are checked. */
  ALERT_EXPIRY_INTERVAL_MS: z.coerce.number().int().min(50).max(86_400_000).default(3_600_000),
  /** How often the delivery worker looks for due attempts (it is also woken when an alert fires here). */
  ALERT_DELIVERY_POLL_MS: z.coerce.number().int().min(50).max(300_000).default(1000),
  /** First retry delay; each further retry waits twice as long. */
  ALERT_RETRY_BASE_MS: z.coerce.number().int().min(10).max(3_600_000).default(30_000),
  ALERT_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(6),
  ALERT_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  /** Webhook hosts allowed although not public (comma-separated `host` or `host:port`): local receivers, tests. */
  KEYWARD_WEBHOOK_ALLOW_HOSTS: z
    .string()
    .optional()
    .transform((v, ctx) => {
      try {
        return parseAllowedHosts(v);
      } catch (err) {
        ctx.addIssue({ code: "custom", message: (err as Error).message });
        return z.NEVER;
      }
    }),
  /** Bearer token for `GET /metrics`; unset or empty, the route does not exist. */
  KEYWARD_METRICS_TOKEN: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z.string().min(16, "at least 16 characters; generate one with `openssl rand -hex 32`").optional(),
  ),
});

// An external token is only safe to accept when it is checked to be meant for this API.
const checkedEnvSchema = envSchema.superRefine((env, ctx) => {
  try {
    tlsSettings(env);
  } catch (error) {
    ctx.addIssue({ code: "custom", path: ["KEYWARD_TLS"], message: (error as Error).message });
  }
  if (env.KEYWARD_JWKS_URL === undefined) return;
  for (const name of ["KEYWARD_JWT_ISSUER", "KEYWARD_JWT_AUDIENCE"] as const) {
    if (env[name] === undefined)
      ctx.addIssue({ code: "custom", path: [name], message: "required with KEYWARD_JWKS_URL" });
  }
  if (env.KEYWARD_JWT_ISSUER === KEYWARD_ISSUER) {
    ctx.addIssue({
      code: "custom",
      path: ["KEYWARD_JWT_ISSUER"],
      message: `"${KEYWARD_ISSUER}" is the API's own issuer`,
    });
  }
});

export type Env = z.output<typeof envSchema>;

export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  return parseEnv(checkedEnvSchema, source);
}
